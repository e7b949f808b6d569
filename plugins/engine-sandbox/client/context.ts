import type { SandboxNetwork, SandboxPhone } from '../network.ts';

/** What every area of the sandbox client works with: the network and this session's phone. */
export interface SandboxContext {
  network: SandboxNetwork;
  phone: SandboxPhone;
}
