/**
 * The iptables family of programs (iptables, iptables-save, iptables-restore) over a namespace's
 * netfilter Ruleset; register them with the shell under their real names.
 */
export { iptables, runIptables } from './iptables.js';
export { iptablesSave, makeIptablesSave, runSave } from './save-command.js';
export { iptablesRestore, runRestore } from './restore.js';
