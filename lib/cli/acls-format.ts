/**
 * What `samsa-acls` prints, character for character as Kafka 2.8's AclCommand: Java's toString of
 * ResourcePattern, ResourcePatternFilter and AccessControlEntry (enum names in UPPER_SNAKE case),
 * and AclCommand's blocks, including their stray spaces:
 *
 *   Current ACLs for resource `ResourcePattern(resourceType=TOPIC, name=t, patternType=LITERAL)`: 
 *    	(principal=User:alice, host=*, operation=WRITE, permissionType=ALLOW) 
 *   <empty line>
 */
import type { AccessControlEntry, ResourcePattern } from '../security/acl/acl-types';

/** `TransactionalId` → `TRANSACTIONAL_ID`, as Java prints these enums. */
function upperSnake(name: string): string {
  return name.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
}

export function kafkaResourceTypeName(name: string): string {
  return upperSnake(name);
}

/** ResourcePattern.toString (and ResourcePatternFilter's, which prints a null name as `<any>`). */
export function formatResourcePattern(p: { resourceType: string; name: string | null; patternType: string }): string {
  return `ResourcePattern(resourceType=${upperSnake(p.resourceType)}, name=${p.name ?? '<any>'}, patternType=${upperSnake(p.patternType)})`;
}

/** AccessControlEntry.toString. */
export function formatEntry(e: AccessControlEntry): string {
  return `(principal=${e.principal}, host=${e.host}, operation=${upperSnake(e.operation)}, permissionType=${upperSnake(e.permissionType)})`;
}

/** AclCommand's ` \t<entry>\n\t<entry> ` list between a heading and what follows it. */
function entryList(entries: readonly AccessControlEntry[]): string {
  return `\n ${entries.map((e) => `\t${formatEntry(e)}`).join('\n')} \n`;
}

export function addingBlock(pattern: ResourcePattern, entries: readonly AccessControlEntry[]): string {
  return `Adding ACLs for resource \`${formatResourcePattern(pattern)}\`: ${entryList(entries)}\n`;
}

export function currentBlock(pattern: ResourcePattern, entries: readonly AccessControlEntry[]): string {
  return `Current ACLs for resource \`${formatResourcePattern(pattern)}\`: ${entryList(entries)}\n`;
}

/** The --remove confirmation question, with or without specific entries. */
export function removeQuestion(filter: { resourceType: string; name: string | null; patternType: string }, entries: readonly AccessControlEntry[]): string {
  if (entries.length === 0) return `Are you sure you want to delete all ACLs for resource filter \`${formatResourcePattern(filter)}\`? (y/n)\n`;
  return `Are you sure you want to remove ACLs: ${entryList(entries)} from resource filter \`${formatResourcePattern(filter)}\`? (y/n)\n`;
}
