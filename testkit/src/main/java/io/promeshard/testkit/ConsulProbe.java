package io.promeshard.testkit;

import java.io.IOException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Readiness checks of one Consul agent's HTTP API: a raft leader known, the raft peers, a KV write,
 * the agent's own node in the catalog (sessions need it). Any transport failure reads as "not
 * ready".
 */
final class ConsulProbe {
  private static final Pattern APPLIED_INDEX =
      Pattern.compile("\"applied_index\"\\s*:\\s*\"(\\d+)\"");

  private final LocalHttp http = new LocalHttp();
  private final String url;
  private final String token;

  ConsulProbe(String url, String token) {
    this.url = url;
    this.token = token;
  }

  /** The raft leader's server address ("127.0.0.1:port") as this agent sees it, or null. */
  String leader() {
    try {
      LocalHttp.Reply r = http.send("GET", url + "/v1/status/leader", token, null);
      String body = r.body().strip();
      if (r.status() != 200 || body.isEmpty() || body.equals("\"\"")) {
        return null;
      }
      return body.replace("\"", "");
    } catch (IOException e) {
      return null;
    }
  }

  /** How many raft peers this agent reports (0 when it cannot tell). */
  int peers() {
    try {
      LocalHttp.Reply r = http.send("GET", url + "/v1/status/peers", token, null);
      if (r.status() != 200) {
        return 0;
      }
      String body = r.body().strip();
      return body.equals("[]") ? 0 : List.of(body.split(",")).size();
    } catch (IOException e) {
      return 0;
    }
  }

  /**
   * The last raft index this server applied to its state ({@code applied_index} in {@code GET
   * /v1/agent/self}), or -1 when it cannot tell (a client agent, or no answer).
   */
  long appliedIndex() {
    try {
      LocalHttp.Reply r = http.send("GET", url + "/v1/agent/self", token, null);
      Matcher m = APPLIED_INDEX.matcher(r.body());
      return r.status() == 200 && m.find() ? Long.parseLong(m.group(1)) : -1;
    } catch (IOException e) {
      return -1;
    }
  }

  /**
   * A leader is known, a KV write round-trips and {@code node} is in the catalog; with ACLs on and
   * no token, a known leader is all that can be checked.
   */
  boolean acceptsWrites(String node) {
    if (leader() == null) {
      return false;
    }
    try {
      LocalHttp.Reply put = http.send("PUT", url + "/v1/kv/testkit-ready", token, "ok");
      if (put.status() == 403 && token == null) {
        return true;
      }
      if (put.status() != 200 || !put.body().strip().equals("true")) {
        return false;
      }
      if (http.send("DELETE", url + "/v1/kv/testkit-ready", token, null).status() != 200) {
        return false;
      }
      LocalHttp.Reply n = http.send("GET", url + "/v1/catalog/node/" + node, token, null);
      return n.status() == 200 && !n.body().strip().equals("null");
    } catch (IOException e) {
      return false;
    }
  }
}
