/**
 * The lab prologue the ping and nc world tests share: namespaces a (10.0.0.1/24) and b
 * (10.0.0.2/24) on one veth pair, lo up in both, and a second for carrier to settle — the same
 * set-up their expectations were recorded from in real namespaces.
 */
export const VETH_PAIR_SETUP = `ip netns add a
ip netns add b
ip link add va type veth peer name vb
ip link set va netns a
ip link set vb netns b
ip -n a addr add 10.0.0.1/24 dev va
ip -n b addr add 10.0.0.2/24 dev vb
ip -n a link set va up
ip -n b link set vb up
ip -n a link set lo up
ip -n b link set lo up
sleep 1
`;
