package org.smtpcr.examples.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.smtpcr.core.store.InMemoryWhitelistStore;
import org.smtpcr.core.store.WhitelistStore;
import org.smtpcr.tokens.ChallengeTokens;
import org.smtpcr.tokens.KeyRing;
import org.smtpcr.tokens.PassCodes;

/** The quick start of docs/challenge-page.md, compiled and run (port 0 instead of 8080). */
final class ChallengePageSnippetTest {
  @Test
  void docsQuickStart_compilesAndServesTheChallenge() throws Exception {
    KeyRing keyRing = KeyRing.generate();
    WhitelistStore store = InMemoryWhitelistStore.builder().build();
    ExecutorService clientThreads = Executors.newSingleThreadExecutor();
    // --- as in the docs ---
    ChallengePage page =
        ChallengePage.builder()
            .tokens(ChallengeTokens.of(keyRing))
            .passCodes(PassCodes.of(keyRing))
            .store(store)
            .build();
    try (ChallengeWebServer web =
        ChallengeWebServer.builder()
            .page(page)
            .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .build()
            .start()) {
      // --- end ---
      URI link =
          web.baseUri()
              .resolve(
                  "c/" + ChallengeTokens.of(keyRing).mint("alice@example.org", "bob@example.com"));
      HttpClient http = HttpClient.newBuilder().executor(clientThreads).build();
      assertEquals(
          200,
          http.send(HttpRequest.newBuilder(link).build(), BodyHandlers.discarding()).statusCode());
      assertEquals(0, store.count());
    } finally {
      clientThreads.shutdownNow();
    }
  }
}
