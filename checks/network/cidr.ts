import ipaddr from "ipaddr.js";

/** CIDR arithmetic (ipaddr.js): whole-range containment and overlap, IPv4 and IPv6 kept apart. */

type Parsed = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** Parsed once per string: the flow checks compare the same few blocks thousands of times. */
const parsed = new Map<string, Parsed>();

function parse(cidr: string): Parsed {
  let p = parsed.get(cidr);
  if (p === undefined) parsed.set(cidr, (p = ipaddr.parseCIDR(cidr)));
  return p;
}

/** Every address of inner is in outer. */
export function cidrContains(outer: string, inner: string): boolean {
  const [o, ob] = parse(outer);
  const [i, ib] = parse(inner);
  return o.kind() === i.kind() && ib >= ob && i.match(o, ob);
}

export function cidrOverlaps(a: string, b: string): boolean {
  return cidrContains(a, b) || cidrContains(b, a);
}

/** An ipBlock admits every address of cidr: inside block.cidr and in none of its excepts. */
export function ipBlockAdmits(block: { cidr: string; except?: string[] }, cidr: string): boolean {
  return cidrContains(block.cidr, cidr) && !(block.except ?? []).some((ex) => cidrOverlaps(ex, cidr));
}

/** [first, last] address of a CIDR as integers, with its family. */
function range(cidr: string): { v6: boolean; first: bigint; last: bigint } {
  const [addr, bits] = parse(cidr);
  const bytes = addr.toByteArray();
  const width = BigInt(bytes.length * 8);
  const value = bytes.reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
  const host = (1n << (width - BigInt(bits))) - 1n;
  return { v6: addr.kind() === "ipv6", first: value & ~host, last: (value & ~host) | host };
}

/** Every address of block lies in the union of cidrs (merged ranges, so adjacent blocks add up). */
export function cidrCoveredBy(block: string, cidrs: string[]): boolean {
  const b = range(block);
  const parts = cidrs.map(range).filter((r) => r.v6 === b.v6).sort((x, y) => (x.first < y.first ? -1 : x.first > y.first ? 1 : 0));
  let next = b.first;
  for (const p of parts) {
    if (p.first > next) break;
    if (p.last >= next) next = p.last + 1n;
    if (next > b.last) return true;
  }
  return next > b.last;
}
