package io.promeshard.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import okhttp3.ConnectionSpec;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

class HttpClientsTest {
  @Test
  void aClientForAnHttpServerLoadsNoTrustStoreAndFollowsNoRedirectToHttps() {
    OkHttpClient plain = HttpClients.builderFor(HttpUrl.get("http://127.0.0.1:8500")).build();
    assertEquals(List.of(ConnectionSpec.CLEARTEXT), plain.connectionSpecs());
    assertNull(plain.x509TrustManager(), "no trust manager, so cacerts was not read");
    assertFalse(plain.followSslRedirects());
    assertTrue(
        plain.newBuilder().build().connectionSpecs().stream().noneMatch(ConnectionSpec::isTls));
  }

  @Test
  void aClientForAnHttpsServerKeepsOkHttpsTlsDefaults() {
    OkHttpClient tls = HttpClients.builderFor(HttpUrl.get("https://127.0.0.1:8501")).build();
    assertTrue(tls.connectionSpecs().stream().anyMatch(ConnectionSpec::isTls));
    assertNotNull(tls.x509TrustManager());
  }
}
