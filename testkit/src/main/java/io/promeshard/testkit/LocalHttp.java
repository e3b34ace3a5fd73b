package io.promeshard.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Tiny HTTP helper for readiness probes and test fixtures; IO failures surface as IOException. */
final class LocalHttp {
  record Reply(int status, String body) {}

  private final HttpClient client =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(2))
          .version(HttpClient.Version.HTTP_1_1)
          .build();

  Reply send(String method, String url, String token, String body) throws IOException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
    if (token != null) {
      b.header("X-Consul-Token", token);
    }
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    try {
      HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), r.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + method + " " + url, e);
    }
  }

  /** {@code send}, throwing AssertionError when the call fails or the status is not 2xx. */
  String expectOk(String method, String url, String token, String body) {
    try {
      Reply r = send(method, url, token, body);
      if (r.status() / 100 != 2) {
        throw new AssertionError(method + " " + url + ": HTTP " + r.status() + ": " + r.body());
      }
      return r.body();
    } catch (IOException e) {
      throw new AssertionError(method + " " + url + ": " + e, e);
    }
  }
}
