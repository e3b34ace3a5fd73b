# Consul ACL policy of the prome-shard coordinator (Consul 1.8 syntax); one token shared by all
# coordinator copies:
#   consul acl policy create -name prome-shard-coordinator -rules @coordinator.hcl
#   consul acl token create -description "prome-shard coordinator" -policy-name prome-shard-coordinator
# Assumes the default KV prefix "prome-shard/".

# Everything under the prefix: reads config/, records/ and reports/ (the agents' slow-query
# reports, for records_auto_import, and sample reports, for load_aware), writes nodes/,
# status/coordinator and records/ (`records import`, the automatic import, `config put`), and
# holds the `leader` lock.
key_prefix "prome-shard/" {
  policy = "write"
}

# The leader lock's session is created on the Consul agent the coordinator talks to; to narrow
# this, replace "" by that agent's node name (one session block per coordinator host).
session_prefix "" {
  policy = "write"
}

# Membership (health of prome-shard-node) and the `consul` target source (any catalog service):
# health and catalog reads need service and node read.
service_prefix "" {
  policy = "read"
}
node_prefix "" {
  policy = "read"
}
