package io.promeshard.coordinator.records;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * Exports record→expression pairs to Redis for the query proxy that rewrites heavy queries: the
 * pairs with MSET and the record names into a set with SADD, both in one MULTI/EXEC so a reader
 * never sees a name in the set without its expression. A bad URL is an IllegalArgumentException
 * naming {@code --redis}; Redis unreachable or refusing is an IOException naming the URL (password
 * hidden).
 */
public final class RedisExport {
  public static final String DEFAULT_SET_KEY = "prome-shard:records";

  /** Keys per MSET or SADD command, so that no single command gets huge. */
  static final int CHUNK = 1000;

  /** What was written: pairs set, names new to the set, and the set's size afterwards. */
  public record Result(int pairs, long addedToSet, long setSize) {}

  private final URI url;
  private final String setKey;
  private final Duration timeout;

  public RedisExport(URI url, String setKey, Duration timeout) {
    if (setKey == null || setKey.isEmpty()) {
      throw new IllegalArgumentException(
          "--redis-set: expected a key name, found \"" + setKey + "\"");
    }
    this.url = url;
    this.setKey = setKey;
    this.timeout = timeout;
  }

  /** Parses {@code redis://[user:password@]host[:port][/db]} or {@code rediss://...}. */
  public static URI parseUrl(String url) {
    URI uri;
    try {
      uri = new URI(url == null ? "" : url.strip());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("--redis: not a URL: " + url, e);
    }
    if (!JedisURIHelper.isValid(uri)
        || !(JedisURIHelper.isRedisScheme(uri) || JedisURIHelper.isRedisSSLScheme(uri))) {
      throw new IllegalArgumentException(
          "--redis: expected redis://host:port[/db] or rediss://..., found " + redacted(uri));
    }
    return uri;
  }

  /** The URL without its password, for messages. */
  public static String redacted(URI uri) {
    String info = uri.getRawUserInfo();
    if (info == null) {
      return uri.toString();
    }
    int colon = info.indexOf(':');
    String user = colon < 0 ? "" : info.substring(0, colon);
    String hostPort = uri.getRawAuthority().substring(info.length() + 1);
    return uri.getScheme()
        + "://"
        + user
        + ":***@"
        + hostPort
        + (uri.getRawPath() == null ? "" : uri.getRawPath());
  }

  public String setKey() {
    return setKey;
  }

  public Result write(Map<String, String> pairs) throws IOException {
    if (pairs.isEmpty()) {
      return new Result(0, 0, size());
    }
    List<String> names = new ArrayList<>(pairs.keySet());
    int timeoutMillis = (int) timeout.toMillis();
    try (Jedis jedis = new Jedis(url, timeoutMillis, timeoutMillis)) {
      Transaction tx = jedis.multi();
      for (int from = 0; from < names.size(); from += CHUNK) {
        List<String> part = names.subList(from, Math.min(names.size(), from + CHUNK));
        String[] kv = new String[part.size() * 2];
        for (int i = 0; i < part.size(); i++) {
          kv[2 * i] = part.get(i);
          kv[2 * i + 1] = pairs.get(part.get(i));
        }
        tx.mset(kv);
      }
      List<Response<Long>> added = new ArrayList<>();
      for (int from = 0; from < names.size(); from += CHUNK) {
        added.add(
            tx.sadd(
                setKey,
                names.subList(from, Math.min(names.size(), from + CHUNK)).toArray(String[]::new)));
      }
      Response<Long> size = tx.scard(setKey);
      List<Object> results = tx.exec();
      if (results == null) {
        throw new IOException("redis " + redacted(url) + ": MULTI/EXEC was aborted");
      }
      for (Object r : results) {
        if (r instanceof Exception e) {
          throw new IOException("redis " + redacted(url) + ": " + e.getMessage(), e);
        }
      }
      return new Result(pairs.size(), added.stream().mapToLong(Response::get).sum(), size.get());
    } catch (JedisException e) {
      throw new IOException("redis " + redacted(url) + ": " + e.getMessage(), e);
    }
  }

  private long size() throws IOException {
    int timeoutMillis = (int) timeout.toMillis();
    try (Jedis jedis = new Jedis(url, timeoutMillis, timeoutMillis)) {
      return jedis.scard(setKey);
    } catch (JedisException e) {
      throw new IOException("redis " + redacted(url) + ": " + e.getMessage(), e);
    }
  }
}
