# Consul ACL policy of ONE prome-shard agent (Consul 1.8 syntax), for the node named NODE_NAME.
# Make one policy and one token per Prometheus host, e.g. for node prom-1:
#   sed 's/NODE_NAME/prom-1/g' agent.hcl > agent-prom-1.hcl
#   consul acl policy create -name prome-shard-agent-prom-1 -rules @agent-prom-1.hcl
#   consul acl token create -description "prome-shard agent prom-1" -policy-name prome-shard-agent-prom-1
# Assumes the default KV prefix "prome-shard/" and service name "prome-shard-node".

# Its own share only. The trailing slash matters: "nodes/prom-1/" does not cover "nodes/prom-10/".
# A recursive read of another node's prefix returns 404 (ACL-filtered to nothing); a read of one of
# its keys returns 403.
key_prefix "prome-shard/nodes/NODE_NAME/" {
  policy = "read"
}

# Its status report, nothing else: it cannot write its own (or any) share.
key "prome-shard/status/NODE_NAME" {
  policy = "write"
}

# The slow queries it finds in its Prometheus' query log (only with query_log in agent.yml).
key "prome-shard/reports/NODE_NAME/queries" {
  policy = "write"
}

# The samples per scrape of each of its targets, for load-aware placement (unless samples.enabled
# is false in agent.yml).
key "prome-shard/reports/NODE_NAME/samples" {
  policy = "write"
}

# Register and deregister its Prometheus as a service (with the /-/ready HTTP check), and toggle
# maintenance mode (/v1/agent/service/register, /deregister, /maintenance need service:write).
# Registration needs no node or agent rights; the Consul agent's own token syncs the node.
#
# Consul 1.8 service rules go by service NAME, not ID: this rule lets the token register any ID
# under prome-shard-node, i.e. speak for any node name, on the Consul agent it talks to. What stops
# a compromised host from registering fake nodes (or weight=1000) is the coordinator:
# set "node_binding": "consul_node" in config/settings and a registration counts only on the
# Consul node of the same name. That ties each node name to its host's Consul agent, whose own
# token (node "NODE_NAME" write, e.g. `consul acl token create -node-identity NODE_NAME:dc1`) is
# the only one that can put a node of that name in the catalog; /v1/catalog/register for another
# node needs node:write, which this policy does not grant. "max_weight" (default 10) caps the
# capacity a node may claim for itself. For this, name the Consul node like the prome-shard node
# (both default to the host name).
service "prome-shard-node" {
  policy = "write"
}

# Before registering, the agent checks that no other live host has registered its node name (two
# hosts with one name would scrape the same targets): it reads its Consul agent's node name
# (/v1/agent/self) and the health of prome-shard-node, which Consul filters by node read.
agent "NODE_NAME" {
  policy = "read"
}
node_prefix "" {
  policy = "read"
}

