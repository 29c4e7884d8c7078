package io.ballast.controller.cli.admin;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * What {@code --cacert} trusts for https: the certificates of a PEM file, or the trusted entries of a PKCS12
 * or JKS trust store. Only those are trusted (like curl's {@code --cacert}), so a controller with a private CA
 * is reached without touching the JDK's trust store; host names are still verified.
 */
final class TrustedCertificates {

  /** The JDK's conventional trust store password, tried when none is given. */
  private static final String CONVENTIONAL_PASSWORD = "changeit";

  private TrustedCertificates() {}

  /** @param password the trust store's password, or {@code null}: then none, and "changeit", are tried */
  static SSLContext sslContext(Path file, String password) throws InputException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new InputException("cannot read --cacert " + file + ": " + e, e);
    }
    KeyStore trusted = new String(bytes, StandardCharsets.ISO_8859_1).contains("-----BEGIN")
        ? fromPem(file, bytes)
        : fromStore(file, bytes, password);
    try {
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(trusted);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, factory.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new InputException("cannot trust the certificates of " + file + ": " + e.getMessage(), e);
    }
  }

  private static KeyStore fromPem(Path file, byte[] bytes) throws InputException {
    try {
      Collection<? extends Certificate> certificates =
          CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes));
      if (certificates.isEmpty()) {
        throw new InputException("--cacert " + file + " holds no certificate");
      }
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (Certificate certificate : certificates) {
        store.setCertificateEntry("cacert-" + i++, certificate);
      }
      return store;
    } catch (CertificateException e) {
      throw new InputException("--cacert " + file + " is not a PEM certificate: " + e.getMessage(), e);
    } catch (GeneralSecurityException | IOException e) {
      throw new InputException("cannot use --cacert " + file + ": " + e.getMessage(), e);
    }
  }

  private static KeyStore fromStore(Path file, byte[] bytes, String password) throws InputException {
    List<char[]> passwords = new ArrayList<>();
    if (password != null) {
      passwords.add(password.toCharArray());
    } else {
      passwords.add(null);
      passwords.add(CONVENTIONAL_PASSWORD.toCharArray());
    }
    Exception last = null;
    for (String type : List.of("PKCS12", "JKS")) {
      for (char[] candidate : passwords) {
        try {
          KeyStore store = KeyStore.getInstance(type);
          store.load(new ByteArrayInputStream(bytes), candidate);
          // PKCS12 opened without its password may show no certificate: they are encrypted.
          if (store.size() > 0 && hasCertificate(store)) {
            return store;
          }
        } catch (GeneralSecurityException | IOException e) {
          last = e;
        }
      }
    }
    throw new InputException("--cacert " + file + " is neither a PEM certificate nor a PKCS12 or JKS trust store"
        + " that opens with " + (password == null ? "no password or \"changeit\" (give --cacert-password)"
        : "the given --cacert-password") + (last == null ? "" : ": " + last.getMessage()), last);
  }

  private static boolean hasCertificate(KeyStore store) throws GeneralSecurityException {
    for (String alias : Collections.list(store.aliases())) {
      if (store.getCertificate(alias) != null) {
        return true;
      }
    }
    return false;
  }
}
