package io.promeshard.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * Plain HTTP calls to Consul with an X-Consul-Token header, for the ACL tests; transport failures
 * throw AssertionError.
 */
final class ConsulHttp {
  /** Status and body of one call. */
  record Reply(int status, String body) {
    JsonNode json() {
      try {
        return MAPPER.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON (HTTP " + status + "): " + body, e);
      }
    }
  }

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final String baseUrl;
  private final HttpClient client =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(2))
          .version(HttpClient.Version.HTTP_1_1)
          .build();

  ConsulHttp(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  Reply send(String method, String path, String token, String body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(Duration.ofSeconds(10))
            .header("X-Consul-Token", token)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    try {
      HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), r.body());
    } catch (IOException e) {
      throw new AssertionError(method + " " + path + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted: " + method + " " + path, e);
    }
  }

  /** {@link #send}, asserting a 200. */
  Reply ok(String method, String path, String token, String body) {
    Reply r = send(method, path, token, body);
    if (r.status() != 200) {
      throw new AssertionError(method + " " + path + ": HTTP " + r.status() + ": " + r.body());
    }
    return r;
  }

  /** Creates a policy from HCL rules and a token holding only it; returns the token's secret. */
  String tokenWithPolicy(String managementToken, String policyName, String rules) {
    ok("PUT", "/v1/acl/policy", managementToken, json(Map.of("Name", policyName, "Rules", rules)));
    String token =
        ok(
                "PUT",
                "/v1/acl/token",
                managementToken,
                json(
                    Map.of(
                        "Description",
                        policyName,
                        "Policies",
                        new Object[] {Map.of("Name", policyName)})))
            .json()
            .path("SecretID")
            .asText();
    if (token.isEmpty()) {
      throw new AssertionError("no SecretID for the token of " + policyName);
    }
    return token;
  }

  static String json(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
