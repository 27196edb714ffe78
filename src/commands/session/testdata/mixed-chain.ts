/**
 * Test fixture: registers `test-mixed-chain`, a command that changes the world, hands it to the real
 * program $PODNET_TEST_PROG (runExternal), then changes it again — what a CNI runtime does when a
 * chain mixes podnet's plugins with a user's script. Imported by the test and, through
 * NODE_OPTIONS, by the podnet processes the program's shims start, so both sides know the command.
 */
import { registerCommand } from '../../registry.js';
import { result } from '../../types.js';
import { runExternal } from '../external.js';

registerCommand('test-mixed-chain', (_argv, ctx) => {
  const a = ctx.exec(['ip', 'link', 'add', 'mid-a', 'type', 'veth', 'peer', 'name', 'mid-z'], ctx);
  const ext = runExternal(ctx.world, { argv: [ctx.env['PODNET_TEST_PROG'] ?? '/nonexistent'], host: ctx.host.name });
  const c = ctx.exec(['ip', 'link', 'set', 'mid-b', 'up'], ctx);
  return result(a.exitCode || ext.exitCode || c.exitCode, ext.stdout, a.stderr + ext.stderr + c.stderr);
});
