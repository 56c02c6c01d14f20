import ipaddr from "ipaddr.js";

/** CIDR arithmetic (ipaddr.js): whole-range containment and overlap, IPv4 and IPv6 kept apart. */

const parse = (cidr: string): [ipaddr.IPv4 | ipaddr.IPv6, number] => ipaddr.parseCIDR(cidr);

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
