# prome-shard-agent %post: on first install apply the systemd preset policy (Fedora/RHEL default:
# disabled); never started here.
if [ "$1" -eq 1 ] && command -v systemctl >/dev/null 2>&1; then
  systemctl --no-reload preset prome-shard-agent.service >/dev/null 2>&1 || :
fi
exit 0
