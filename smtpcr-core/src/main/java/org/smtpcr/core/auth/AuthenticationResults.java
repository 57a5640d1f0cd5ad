package org.smtpcr.core.auth;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What is known about the sender's authentication for one transaction: SPF for MAIL FROM and HELO
 * and the DMARC policy the MAIL FROM domain publishes (known from MAIL on), then, where the route
 * sees the message, its DKIM signatures and the DMARC result for From:. Immutable; each part is
 * empty until someone checked it.
 *
 * <p>A route fills it from a {@link SenderAuthenticator}, or from what its MTA already knows (a
 * James SPF result, a trusted {@code Authentication-Results} header).
 *
 * @since 0.2.0
 */
public final class AuthenticationResults {
  /** At most this many DKIM signatures are kept; a message with more is hostile or broken. */
  public static final int MAX_SIGNATURES = 16;

  private static final AuthenticationResults NOT_CHECKED = builder().build();

  private final Optional<SpfResult> spfMailFrom;
  private final Optional<SpfResult> spfHelo;
  private final Optional<DmarcPolicy> senderPolicy;
  private final List<DkimSignature> dkim;
  private final Optional<DmarcResult> dmarc;
  private final boolean messageChecked;

  private AuthenticationResults(Builder b) {
    this.spfMailFrom = Optional.ofNullable(b.spfMailFrom);
    this.spfHelo = Optional.ofNullable(b.spfHelo);
    this.senderPolicy = Optional.ofNullable(b.senderPolicy);
    this.dkim = List.copyOf(b.dkim);
    this.dmarc = Optional.ofNullable(b.dmarc);
    this.messageChecked = b.messageChecked;
  }

  /** Nothing checked. */
  public static AuthenticationResults notChecked() {
    return NOT_CHECKED;
  }

  /** A builder with nothing set. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this object's values, to add to them. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.spfMailFrom = spfMailFrom.orElse(null);
    b.spfHelo = spfHelo.orElse(null);
    b.senderPolicy = senderPolicy.orElse(null);
    b.dkim.addAll(dkim);
    b.dmarc = dmarc.orElse(null);
    b.messageChecked = messageChecked;
    return b;
  }

  /** SPF for the MAIL FROM identity. */
  public Optional<SpfResult> spfMailFrom() {
    return spfMailFrom;
  }

  /** SPF for the HELO identity. */
  public Optional<SpfResult> spfHelo() {
    return spfHelo;
  }

  /** The DMARC policy of the MAIL FROM domain (or its organizational domain). */
  public Optional<DmarcPolicy> senderPolicy() {
    return senderPolicy;
  }

  /** The DKIM signatures verified, at most {@value #MAX_SIGNATURES}. */
  public List<DkimSignature> dkim() {
    return dkim;
  }

  /** DMARC for the From: domain. */
  public Optional<DmarcResult> dmarc() {
    return dmarc;
  }

  /** True once the message itself was checked (DKIM, DMARC), even if it had no signature. */
  public boolean messageChecked() {
    return messageChecked;
  }

  /** True when nothing at all was checked. */
  public boolean isEmpty() {
    return spfMailFrom.isEmpty()
        && spfHelo.isEmpty()
        && senderPolicy.isEmpty()
        && dmarc.isEmpty()
        && dkim.isEmpty()
        && !messageChecked;
  }

  /**
   * These results with {@code later}'s on top: each part {@code later} has replaces this one's;
   * signatures are added.
   */
  public AuthenticationResults merge(AuthenticationResults later) {
    requireNonNull(later, "later");
    if (later.isEmpty()) {
      return this;
    }
    if (isEmpty()) {
      return later;
    }
    Builder b = toBuilder();
    later.spfMailFrom.ifPresent(b::spfMailFrom);
    later.spfHelo.ifPresent(b::spfHelo);
    later.senderPolicy.ifPresent(b::senderPolicy);
    later.dkim.forEach(b::dkim);
    later.dmarc.ifPresent(b::dmarc);
    if (later.messageChecked) {
      b.messageChecked(true);
    }
    return b.build();
  }

  /**
   * The standing of the envelope sender whose domain is {@code senderDomain}; see {@link
   * AuthStanding}. In this order: SPF pass, an aligned DKIM pass, SPF fail (or HELO fail when MAIL
   * FROM has no SPF), DNS trouble, a DMARC policy that demands authentication, nothing published,
   * and otherwise unverified.
   *
   * @param senderDomain the MAIL FROM domain; empty for the null sender
   */
  public AuthStanding standing(String senderDomain) {
    requireNonNull(senderDomain, "senderDomain");
    if (spfMailFrom.isEmpty() && senderPolicy.isEmpty() && !messageChecked && dmarc.isEmpty()) {
      return spfHelo.orElse(null) == SpfResult.FAIL ? AuthStanding.FORGED : AuthStanding.UNCHECKED;
    }
    SpfResult spf = spfMailFrom.orElse(null);
    if (spf == SpfResult.PASS) {
      return AuthStanding.SPF_PASS;
    }
    boolean alignedTemporary = false;
    boolean alignedSignature = false;
    for (DkimSignature s : dkim) {
      if (Domains.aligned(s.domain(), senderDomain)) {
        if (s.result() == DkimSignature.Result.PASS) {
          return AuthStanding.DKIM_PASS;
        }
        alignedSignature = true;
        alignedTemporary |= s.result() == DkimSignature.Result.TEMPERROR;
      }
    }
    if (spf == SpfResult.FAIL
        || ((spf == null || spf == SpfResult.NONE) && spfHelo.orElse(null) == SpfResult.FAIL)) {
      return AuthStanding.FORGED;
    }
    Optional<DmarcPolicy> policy = senderPolicy;
    if (dmarc.isPresent() && Domains.aligned(dmarc.get().fromDomain(), senderDomain)) {
      DmarcResult d = dmarc.get();
      if (d.result() == DmarcResult.Result.TEMPERROR) {
        alignedTemporary = true;
      }
      if (policy.isEmpty() || policy.get() == DmarcPolicy.TEMPERROR) {
        policy = Optional.of(d.policy());
      }
    }
    if (spf == SpfResult.TEMPERROR
        || policy.orElse(null) == DmarcPolicy.TEMPERROR
        || alignedTemporary) {
      return AuthStanding.TEMPORARY;
    }
    if (policy.isPresent() && policy.get().demandsAuthentication()) {
      return AuthStanding.PROTECTED;
    }
    if (spf == SpfResult.NONE && policy.orElse(null) == DmarcPolicy.ABSENT && !alignedSignature) {
      return AuthStanding.NOTHING_PUBLISHED;
    }
    return AuthStanding.UNVERIFIED;
  }

  /**
   * A one-line summary for logs, e.g. {@code spf=softfail helo=none dmarc-policy=reject
   * dkim=pass:example.org}. Domains are normalized, so the line is safe to log.
   */
  public String summary() {
    if (isEmpty()) {
      return "unchecked";
    }
    StringBuilder sb = new StringBuilder();
    spfMailFrom.ifPresent(r -> sb.append(" spf=").append(r.keyword()));
    spfHelo.ifPresent(r -> sb.append(" helo=").append(r.keyword()));
    senderPolicy.ifPresent(p -> sb.append(" dmarc-policy=").append(p.keyword()));
    for (DkimSignature s : dkim) {
      sb.append(" dkim=").append(s.result().keyword()).append(':').append(s.domain());
    }
    if (messageChecked && dkim.isEmpty()) {
      sb.append(" dkim=none");
    }
    dmarc.ifPresent(
        d ->
            sb.append(" dmarc=")
                .append(d.result().keyword())
                .append(':')
                .append(d.fromDomain())
                .append('/')
                .append(d.policy().keyword()));
    return sb.substring(1);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AuthenticationResults other
        && spfMailFrom.equals(other.spfMailFrom)
        && spfHelo.equals(other.spfHelo)
        && senderPolicy.equals(other.senderPolicy)
        && dkim.equals(other.dkim)
        && dmarc.equals(other.dmarc)
        && messageChecked == other.messageChecked;
  }

  @Override
  public int hashCode() {
    return Objects.hash(spfMailFrom, spfHelo, senderPolicy, dkim, dmarc, messageChecked);
  }

  @Override
  public String toString() {
    return "AuthenticationResults[" + summary() + "]";
  }

  /** Builds {@link AuthenticationResults}; every part is optional. */
  public static final class Builder {
    private SpfResult spfMailFrom;
    private SpfResult spfHelo;
    private DmarcPolicy senderPolicy;
    private final List<DkimSignature> dkim = new ArrayList<>();
    private DmarcResult dmarc;
    private boolean messageChecked;

    private Builder() {}

    /** SPF for the MAIL FROM identity. */
    public Builder spfMailFrom(SpfResult result) {
      this.spfMailFrom = requireNonNull(result, "result");
      return this;
    }

    /** SPF for the HELO identity. */
    public Builder spfHelo(SpfResult result) {
      this.spfHelo = requireNonNull(result, "result");
      return this;
    }

    /** The DMARC policy the MAIL FROM domain publishes. */
    public Builder senderPolicy(DmarcPolicy policy) {
      this.senderPolicy = requireNonNull(policy, "policy");
      return this;
    }

    /** Adds one verified DKIM signature; those beyond {@value #MAX_SIGNATURES} are dropped. */
    public Builder dkim(DkimSignature signature) {
      requireNonNull(signature, "signature");
      if (dkim.size() < MAX_SIGNATURES) {
        dkim.add(signature);
      }
      return this;
    }

    /** DMARC for the From: domain. */
    public Builder dmarc(DmarcResult result) {
      this.dmarc = requireNonNull(result, "result");
      return this;
    }

    /** Marks the message as checked: a message without signatures is then known to have none. */
    public Builder messageChecked(boolean checked) {
      this.messageChecked = checked;
      return this;
    }

    /** The results. */
    public AuthenticationResults build() {
      return new AuthenticationResults(this);
    }
  }
}
