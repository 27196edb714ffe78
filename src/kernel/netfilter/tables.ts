/**
 * The xtables tables as the kernel registers them for IPv4: which built-in chains (hooks) each table
 * has and at which priority its hook functions run, so traversal visits tables in kernel order.
 */

/** The five netfilter hooks of NFPROTO_IPV4 (NF_INET_*). */
export type Hook = 'PREROUTING' | 'INPUT' | 'FORWARD' | 'OUTPUT' | 'POSTROUTING';
export const HOOKS: readonly Hook[] = ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'];

export type TableName = 'raw' | 'mangle' | 'filter' | 'nat';

export interface TableDef {
  name: TableName;
  /** Built-in chains in the order iptables lists them (the kernel's hook order). */
  chains: readonly Hook[];
  /**
   * Hook priority per built-in chain (enum nf_ip_hook_priorities): raw -300, conntrack -200,
   * mangle -150, nat DNAT -100, filter 0, nat SNAT 100. nat's INPUT hook runs at SNAT priority (100)
   * and its OUTPUT at DNAT priority (-100), as iptable_nat.c registers them.
   */
  priority: Partial<Record<Hook, number>>;
}

export const NF_IP_PRI_RAW = -300;
export const NF_IP_PRI_CONNTRACK = -200;
export const NF_IP_PRI_MANGLE = -150;
export const NF_IP_PRI_NAT_DST = -100;
export const NF_IP_PRI_FILTER = 0;
export const NF_IP_PRI_NAT_SRC = 100;
/** Conntrack confirms a new entry last, after every table ran (NF_IP_PRI_CONNTRACK_CONFIRM = INT_MAX). */
export const NF_IP_PRI_CONNTRACK_CONFIRM = 2147483647;

export const TABLES: Record<TableName, TableDef> = {
  raw: { name: 'raw', chains: ['PREROUTING', 'OUTPUT'], priority: { PREROUTING: NF_IP_PRI_RAW, OUTPUT: NF_IP_PRI_RAW } },
  mangle: {
    name: 'mangle',
    chains: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
    priority: {
      PREROUTING: NF_IP_PRI_MANGLE,
      INPUT: NF_IP_PRI_MANGLE,
      FORWARD: NF_IP_PRI_MANGLE,
      OUTPUT: NF_IP_PRI_MANGLE,
      POSTROUTING: NF_IP_PRI_MANGLE,
    },
  },
  filter: {
    name: 'filter',
    chains: ['INPUT', 'FORWARD', 'OUTPUT'],
    priority: { INPUT: NF_IP_PRI_FILTER, FORWARD: NF_IP_PRI_FILTER, OUTPUT: NF_IP_PRI_FILTER },
  },
  nat: {
    name: 'nat',
    chains: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
    priority: { PREROUTING: NF_IP_PRI_NAT_DST, INPUT: NF_IP_PRI_NAT_SRC, OUTPUT: NF_IP_PRI_NAT_DST, POSTROUTING: NF_IP_PRI_NAT_SRC },
  },
};

/**
 * The order iptables-nft lists tables in (enum nft_table_type: mangle, security, raw, filter, nat);
 * iptables-save prints them in this order, not the hook order.
 */
export const SAVE_ORDER: readonly TableName[] = ['mangle', 'raw', 'filter', 'nat'];

export function isTableName(s: string): s is TableName {
  return s === 'raw' || s === 'mangle' || s === 'filter' || s === 'nat';
}

export function isBuiltinChain(table: TableName, chain: string): chain is Hook {
  return (TABLES[table].chains as readonly string[]).includes(chain);
}

/** Tables with a chain at this hook, in ascending priority: the order a packet meets them. */
export function tablesAtHook(hook: Hook): TableName[] {
  const names = (Object.keys(TABLES) as TableName[]).filter((t) => TABLES[t].priority[hook] !== undefined);
  return names.sort((a, b) => TABLES[a].priority[hook]! - TABLES[b].priority[hook]!);
}
