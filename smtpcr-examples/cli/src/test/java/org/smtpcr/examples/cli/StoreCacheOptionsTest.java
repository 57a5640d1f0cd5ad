package org.smtpcr.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpcr.examples.runtime.SettingSource;
import org.smtpcr.examples.runtime.Settings;
import org.smtpcr.examples.runtime.StoreSpec;

/**
 * The near cache's settings mean the same on every route: {@code --store-cache*} options, the
 * properties file under the option names and under the setting keys, and the runtime's {@link
 * Settings#read} (James's XML goes through it; {@code HookConfig.KNOWN} lists them).
 */
final class StoreCacheOptionsTest {
  private static final String URL = "jdbc:postgresql://db.example.org/smtpcr";

  @TempDir Path dir;

  @Test
  void storeCacheSettings_meanTheSameOnEveryRoute() throws Exception {
    StoreSpec options =
        policyServerSpec(
            List.of(
                "--store-cache",
                "off",
                "--store-cache-size",
                "500",
                "--store-cache-ttl",
                "30s",
                "--store-cache-filter-keys",
                "0"));
    StoreSpec byOptionName =
        policyServerSpec(
            config(
                "store-cache=off\nstore-cache-size=500\nstore-cache-ttl=30s\nstore-cache-filter-keys=0\n"));
    StoreSpec byKey =
        policyServerSpec(
            config(
                "store.cache=off\nstore.cacheSize=500\nstore.cacheTtl=30s\nstore.cacheFilterKeys=0\n"));
    Properties p = new Properties();
    p.load(
        new StringReader(
            "store.url="
                + URL
                + "\nstoreCache=off\nstoreCacheSize=500\nstore.cacheTtl=30s\n"
                + "storeCacheFilterKeys=0\n"));
    StoreSpec runtime = StoreSpec.from(Settings.read(SettingSource.of(p))).orElseThrow();
    for (StoreSpec s : List.of(options, byOptionName, byKey, runtime)) {
      assertEquals(runtime, s, s::toString);
    }
    assertEquals(StoreSpec.Cache.OFF, runtime.cache());
    assertEquals(0, runtime.cacheFilterKeys());
    assertNotEquals(runtime, policyServerSpec(List.of()));
    assertEquals(StoreSpec.Cache.AUTO, policyServerSpec(List.of()).cache());
  }

  @Test
  void badCacheValue_isAUsageError() {
    CommandRun.Result r =
        CommandRun.run(
            "policy-server", "--data", dir.resolve("data").toString(), "--store-cache-size", "0");
    assertEquals(2, r.exitCode(), r::toString);
    CommandRun.Result filter =
        CommandRun.run(
            "policy-server",
            "--data",
            dir.resolve("data").toString(),
            "--store-cache-filter-keys",
            "-1");
    assertEquals(2, filter.exitCode(), filter::toString);
    assertTrue(filter.err().contains("cacheFilterKeys"), filter::toString);
  }

  private List<String> config(String text) throws Exception {
    Path f = dir.resolve("c" + System.nanoTime() + ".properties");
    Files.writeString(f, text);
    return List.of("--config", f.toString());
  }

  /** The store spec {@code smtpcr policy-server --store URL} makes of these arguments. */
  private StoreSpec policyServerSpec(List<String> extra) {
    boolean file = !extra.isEmpty() && extra.get(0).equals("--config");
    List<String> args = new ArrayList<>(file ? extra : List.of());
    args.addAll(List.of("policy-server", "--data", dir.resolve("data").toString(), "--store", URL));
    if (!file) {
      args.addAll(extra);
    }
    DataOptions data = CommandRun.parsed(PolicyServerCommand.class, args).data;
    Map<String, String> settings = data.storeSettings();
    return StoreSpec.parse(
        name ->
            name.equals(StoreSpec.URL) ? Optional.of(URL) : Optional.ofNullable(settings.get(name)),
        name -> Optional.empty());
  }
}
