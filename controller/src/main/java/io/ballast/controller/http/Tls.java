package io.ballast.controller.http;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.UnrecoverableKeyException;
import java.util.Arrays;
import java.util.Collections;
import java.util.Optional;
import javax.crypto.BadPaddingException;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;

/**
 * HTTPS for the API from {@code ballast.http.tls}: a keystore holding the server's private key and
 * certificate chain. Problems are found at start and named by setting; the password is never repeated.
 */
public final class Tls {

  private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  private Tls() {}

  /** The server's HTTPS context, or empty when {@code tls.enabled} is off; {@code http} is {@code ballast.http}. */
  public static Optional<HttpsConnectionContext> serverContext(Config http) {
    Config tls = http.getConfig("tls");
    try {
      if (!tls.getBoolean("enabled")) {
        return Optional.empty();
      }
    } catch (ConfigException e) {
      throw new IllegalArgumentException("ballast.http.tls.enabled: must be on or off", e);
    }
    Path keystore = Path.of(required(tls, "keystore", "BALLAST_TLS_KEYSTORE")).toAbsolutePath();
    char[] password = required(tls, "keystore-password", "BALLAST_TLS_KEYSTORE_PASSWORD").toCharArray();
    String type = tls.hasPath("keystore-type") ? tls.getString("keystore-type") : "PKCS12";

    KeyStore store = load(keystore, password, type);
    try {
      if (Collections.list(store.aliases()).stream().noneMatch(alias -> isKey(store, alias))) {
        throw new IllegalArgumentException("ballast.http.tls.keystore: " + keystore + " holds no private key, only "
            + "certificates; the server needs its key and certificate chain (keytool -genkeypair, or "
            + "openssl pkcs12 -export -inkey key.pem -in chain.pem)");
      }
      KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);
      return Optional.of(ConnectionContext.httpsServer(() -> {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        engine.setEnabledProtocols(PROTOCOLS);
        return engine;
      }));
    } catch (UnrecoverableKeyException e) {
      throw new IllegalArgumentException("ballast.http.tls.keystore-password: opens " + keystore
          + " but not its private key; the key needs the same password as the keystore", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("ballast.http.tls.keystore: cannot use " + keystore + ": " + e.getMessage(), e);
    } finally {
      Arrays.fill(password, '\0');
    }
  }

  private static KeyStore load(Path keystore, char[] password, String type) {
    KeyStore store;
    try {
      store = KeyStore.getInstance(type);
    } catch (KeyStoreException e) {
      throw new IllegalArgumentException("ballast.http.tls.keystore-type: '" + type + "' is not a keystore type "
          + "this Java knows (PKCS12, JKS)", e);
    }
    if (!Files.isRegularFile(keystore) || !Files.isReadable(keystore)) {
      throw new IllegalArgumentException("ballast.http.tls.keystore: " + keystore + " is not a readable file");
    }
    try (InputStream in = Files.newInputStream(keystore)) {
      store.load(in, password);
      return store;
    } catch (IOException e) {
      if (e.getCause() instanceof UnrecoverableKeyException || e.getCause() instanceof BadPaddingException
          || String.valueOf(e.getMessage()).contains("password")) {
        throw new IllegalArgumentException("ballast.http.tls.keystore-password: does not open " + keystore
            + " (wrong password?)", e);
      }
      throw new IllegalArgumentException("ballast.http.tls.keystore: cannot read " + keystore + " as " + type + ": "
          + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("ballast.http.tls.keystore: cannot read " + keystore + " as " + type + ": "
          + e.getMessage(), e);
    }
  }

  private static boolean isKey(KeyStore store, String alias) {
    try {
      return store.isKeyEntry(alias);
    } catch (KeyStoreException e) {
      return false;
    }
  }

  private static String required(Config tls, String key, String variable) {
    if (!tls.hasPath(key) || tls.getString(key).isEmpty()) {
      throw new IllegalArgumentException("ballast.http.tls." + key + ": required when ballast.http.tls.enabled is on"
          + " (or set " + variable + ")");
    }
    return tls.getString(key);
  }
}
