# prome-shard-agent %postun: reload units; after an upgrade restart the service if it was running;
# after an erase delete the runtime's class archive (a cache of this version's classes).
if command -v systemctl >/dev/null 2>&1; then
  systemctl daemon-reload >/dev/null 2>&1 || :
  if [ "$1" -ge 1 ]; then
    systemctl try-restart prome-shard-agent.service >/dev/null 2>&1 || :
  fi
fi
if [ "$1" -eq 0 ]; then
  rm -rf /var/lib/prome-shard/cds
fi
exit 0
