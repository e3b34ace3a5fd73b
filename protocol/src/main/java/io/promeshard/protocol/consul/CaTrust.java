package io.promeshard.protocol.consul;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * TLS trust built from a PEM CA file; an unreadable or certificate-less file throws
 * ConsulConfigException naming it.
 */
record CaTrust(SSLContext sslContext, X509TrustManager trustManager) {

  static CaTrust fromPem(Path caFile) {
    try (InputStream in = Files.newInputStream(caFile)) {
      Collection<? extends Certificate> certs =
          CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certs.isEmpty()) {
        throw new ConsulConfigException("consul.ca_file: no PEM certificate in " + caFile);
      }
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (Certificate c : certs) {
        store.setCertificateEntry("ca-" + i++, c);
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      X509TrustManager tm = null;
      for (TrustManager t : tmf.getTrustManagers()) {
        if (t instanceof X509TrustManager x) {
          tm = x;
        }
      }
      if (tm == null) {
        throw new ConsulConfigException("consul.ca_file: no X.509 trust manager for " + caFile);
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {tm}, null);
      return new CaTrust(ctx, tm);
    } catch (IOException e) {
      throw new ConsulConfigException("consul.ca_file: cannot read " + caFile + ": " + e, e);
    } catch (GeneralSecurityException e) {
      throw new ConsulConfigException(
          "consul.ca_file: not a PEM CA certificate: " + caFile + ": " + e.getMessage(), e);
    }
  }
}
