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

# Register and deregister its Prometheus as a service (with the /-/ready HTTP check), and toggle
# maintenance mode (/v1/agent/service/register, /deregister, /maintenance need service:write).
# Registration needs no node or agent rights; the Consul agent's own token syncs the node.
service "prome-shard-node" {
  policy = "write"
}

# Not needed by the agent; uncomment only for operators' debugging with this token
# (/v1/agent/self, /v1/health/service/prome-shard-node).
# agent_prefix "" { policy = "read" }
# node_prefix "" { policy = "read" }
