/**
 * Kafka's Sanitizer: how a user name becomes a ZooKeeper node name under `/config/users`.
 * URL-encoding (Java's URLEncoder, UTF-8) with `*` as `%2A`, a space as `%20` and `~` kept, so
 * `User:CN=alice,O=x` and `alice@example.com` are safe znode names and decode back exactly.
 */

export function sanitize(name: string): string {
  // encodeURIComponent keeps A-Z a-z 0-9 - _ . ! ~ * ' ( ); Java's URLEncoder keeps only - _ . * of the
  // punctuation (Kafka then turns * into %2A and %7E back into ~), so encode ! ' ( ) * here.
  return encodeURIComponent(name).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The inverse; undefined for a node name that is not valid percent-encoding. */
export function desanitize(node: string): string | undefined {
  try {
    return decodeURIComponent(node.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}
