package org.smtpcr.tokens;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Collections;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Up to 16 master keys, each under a key id (kid) from 0 to 15, of which exactly one is
 * <em>active</em>: it mints new tokens and pass codes, while the others only verify. That is how a
 * key is rotated without breaking links already sent: add the new key, make it active, and remove
 * the old one once the longest token lifetime has passed.
 *
 * <p>Immutable and thread-safe. The {@code with…} methods return changed copies. {@link
 * #toString()} shows key ids and fingerprints, never key bytes.
 *
 * @since 0.1.0
 */
public final class KeyRing {
  /** Largest key id. */
  public static final int MAX_KEY_ID = 15;

  private final MasterKey[] keys; // index = kid, null where absent
  private final int activeKeyId;

  private KeyRing(MasterKey[] keys, int activeKeyId) {
    this.keys = keys;
    this.activeKeyId = activeKeyId;
  }

  /** A ring holding one key under id 0, which is active. */
  public static KeyRing of(MasterKey key) {
    return builder().key(0, key).active(0).build();
  }

  /** A ring with one freshly generated key under id 0. */
  public static KeyRing generate() {
    return of(MasterKey.generate());
  }

  /** Starts a builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** The id of the key that mints. */
  public int activeKeyId() {
    return activeKeyId;
  }

  /** The key that mints. */
  public MasterKey activeKey() {
    return keys[activeKeyId];
  }

  /** The key under {@code keyId}, if the ring has one. */
  public Optional<MasterKey> key(int keyId) {
    return keyId >= 0 && keyId <= MAX_KEY_ID ? Optional.ofNullable(keys[keyId]) : Optional.empty();
  }

  /** Whether the ring has a key under {@code keyId}. */
  public boolean contains(int keyId) {
    return key(keyId).isPresent();
  }

  /** The ids of all keys in the ring, ascending. */
  public SortedSet<Integer> keyIds() {
    TreeSet<Integer> ids = new TreeSet<>();
    for (int kid = 0; kid <= MAX_KEY_ID; kid++) {
      if (keys[kid] != null) {
        ids.add(kid);
      }
    }
    return Collections.unmodifiableSortedSet(ids);
  }

  /**
   * The first key id not in use after the active one, wrapping from 15 to 0, for adding a key
   * during rotation (so a just-retired id is the last to be reused); empty when all 16 ids are
   * taken.
   */
  public Optional<Integer> nextFreeKeyId() {
    for (int i = 1; i <= MAX_KEY_ID + 1; i++) {
      int kid = (activeKeyId + i) % (MAX_KEY_ID + 1);
      if (keys[kid] == null) {
        return Optional.of(kid);
      }
    }
    return Optional.empty();
  }

  /**
   * A copy with {@code key} added (or replaced) under {@code keyId}; the active key is unchanged.
   */
  public KeyRing withKey(int keyId, MasterKey key) {
    checkKeyId(keyId);
    requireNonNull(key, "key");
    MasterKey[] copy = keys.clone();
    copy[keyId] = key;
    return new KeyRing(copy, activeKeyId);
  }

  /** A copy in which {@code keyId}, which must be in the ring, is active. */
  public KeyRing withActive(int keyId) {
    checkArgument(contains(keyId), "key id %s is not in the ring %s", keyId, keyIds());
    return new KeyRing(keys.clone(), keyId);
  }

  /**
   * A copy without the key under {@code keyId}. Tokens and pass codes made with it stop verifying.
   *
   * @throws IllegalArgumentException if {@code keyId} is the active key
   */
  public KeyRing withoutKey(int keyId) {
    checkArgument(contains(keyId), "key id %s is not in the ring %s", keyId, keyIds());
    checkArgument(
        keyId != activeKeyId, "key id %s is active; make another key active first", keyId);
    MasterKey[] copy = keys.clone();
    copy[keyId] = null;
    return new KeyRing(copy, activeKeyId);
  }

  /** Derives the per-purpose key of {@code keyId} (package use). */
  byte[] derive(int keyId, String info) {
    return keys[keyId].derive(info);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("KeyRing[active=").append(activeKeyId).append(", keys={");
    String sep = "";
    for (int kid = 0; kid <= MAX_KEY_ID; kid++) {
      if (keys[kid] != null) {
        sb.append(sep).append(kid).append('=').append(keys[kid].fingerprint());
        sep = ", ";
      }
    }
    return sb.append("}]").toString();
  }

  private static void checkKeyId(int keyId) {
    checkArgument(
        keyId >= 0 && keyId <= MAX_KEY_ID, "key id must be 0..%s, got %s", MAX_KEY_ID, keyId);
  }

  /**
   * Builds a {@link KeyRing}. Each key id is set once; {@link #build()} needs at least one key and
   * an active id that is in the ring. Not thread-safe.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private final MasterKey[] keys = new MasterKey[MAX_KEY_ID + 1];
    private int active = -1;

    private Builder() {}

    /** Adds {@code key} under {@code keyId} (0..15), which must not be taken yet. */
    public Builder key(int keyId, MasterKey key) {
      checkKeyId(keyId);
      requireNonNull(key, "key");
      checkState(keys[keyId] == null, "key id %s was already set", keyId);
      keys[keyId] = key;
      return this;
    }

    /** Makes {@code keyId} the key that mints. */
    public Builder active(int keyId) {
      checkKeyId(keyId);
      checkState(active < 0, "the active key id was already set to %s", active);
      active = keyId;
      return this;
    }

    /** The ring. */
    public KeyRing build() {
      checkState(Arrays.stream(keys).anyMatch(k -> k != null), "a key ring needs at least one key");
      checkState(active >= 0, "no active key id was set");
      checkState(keys[active] != null, "the active key id %s has no key", active);
      return new KeyRing(keys.clone(), active);
    }
  }
}
