# prome-shard-coordinator %postun: reload units; after an upgrade restart the service if it was running.
if command -v systemctl >/dev/null 2>&1; then
  systemctl daemon-reload >/dev/null 2>&1 || :
  if [ "$1" -ge 1 ]; then
    systemctl try-restart prome-shard-coordinator.service >/dev/null 2>&1 || :
  fi
fi
exit 0
