# prome-shard %pre: the system user and group exist before the files owned by them are unpacked.
getent group prome-shard >/dev/null || groupadd -r prome-shard
getent passwd prome-shard >/dev/null || \
  useradd -r -g prome-shard -d /var/lib/prome-shard -M -s /sbin/nologin -c prome-shard prome-shard
exit 0
