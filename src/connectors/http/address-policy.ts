import ipaddr from "ipaddr.js";

/**
 * Which addresses connectors may reach. Production: HTTPS to public unicast addresses only;
 * a deployment that runs its own simulators or a bank on its LAN widens it by name.
 */
export interface AddressPolicy {
  /** Plain http:// URLs (development and the simulators). */
  allowHttp: boolean;
  /** Loopback, private, link-local, CGNAT and other non-public ranges. */
  allowPrivateAddresses: boolean;
  /**
   * Origins reachable whatever the rules above say (`http://127.0.0.1:3000`): the simulators
   * this server mounts itself. Exact origins, so a user-typed URL gets no wider reach.
   */
  trustedOrigins?: readonly string[];
}

export const strictAddressPolicy: AddressPolicy = { allowHttp: false, allowPrivateAddresses: false };

export function isTrustedOrigin(url: URL, policy: AddressPolicy): boolean {
  return policy.trustedOrigins?.includes(url.origin) ?? false;
}

/**
 * True for an address a server-side request may go to under `policy`. Everything but global
 * unicast is private here — loopback, RFC 1918, link-local (169.254.169.254, the cloud
 * metadata service, among them), CGNAT, multicast, reserved and documentation ranges; an
 * IPv4-mapped IPv6 address is judged as the IPv4 address it carries.
 */
export function isAllowedAddress(address: string, policy: AddressPolicy): boolean {
  if (policy.allowPrivateAddresses) return true;
  if (!ipaddr.isValid(address)) return false;
  return ipaddr.process(address).range() === "unicast";
}
