# prome-shard-coordinator %preun: on erase (not upgrade) stop and disable the service.
if [ "$1" -eq 0 ] && command -v systemctl >/dev/null 2>&1; then
  systemctl --no-reload disable --now prome-shard-coordinator.service >/dev/null 2>&1 || :
  # the batch import timer, if the admin enabled it
  systemctl --no-reload disable --now prome-shard-records-import.timer >/dev/null 2>&1 || :
fi
exit 0
