/**
 * Java's String.hashCode and Kafka's Utils.abs, for the placement formulas Kafka writes with them:
 * the group coordinator's `__consumer_offsets` partition (which clients compute too, so it must
 * match Java bit for bit) and the replica fetcher a partition is given to.
 *
 * String.hashCode runs over UTF-16 code units with int32 wrap-around; Kafka's `Utils.abs` maps
 * Integer.MIN_VALUE to 0 rather than leaving it negative as Math.abs would in Java.
 */

const INT32_MIN = -0x80000000;

/** Java's `String.hashCode()`: s[0]*31^(n-1) + ... + s[n-1], computed in wrapping int32 arithmetic. */
export function javaStringHashCode(s: string): number {
  let h = 0;
  // charCodeAt yields UTF-16 code units, exactly what Java's String stores, so astral
  // characters contribute both surrogates as Java does.
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** Kafka's `Utils.abs`: like Math.abs, except Integer.MIN_VALUE (which has no positive int32) becomes 0. */
export function kafkaAbs(n: number): number {
  return n === INT32_MIN ? 0 : Math.abs(n);
}
