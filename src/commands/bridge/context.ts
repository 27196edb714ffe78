/** What one `bridge` invocation carries to its object handlers. */
import type { Netlink } from '../../kernel/api.js';
import type { Out } from '../ip/args.js';

export interface BridgeCtx {
  out: Out;
  nl: Netlink;
  details: number;
  stats: number;
  oneline: boolean;
  json: boolean;
  pretty: boolean;
}
