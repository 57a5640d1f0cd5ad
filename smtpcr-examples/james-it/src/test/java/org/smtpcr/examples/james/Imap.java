package org.smtpcr.examples.james;

import jakarta.mail.Folder;
import jakarta.mail.FolderNotFoundException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.locks.LockSupport;

/** Reads a mailbox of the James under test over IMAP, as a mail client would. */
final class Imap {
  private static final Duration POLL = Duration.ofMillis(100);

  private final int port;

  Imap(int port) {
    this.port = port;
  }

  /** A message that arrived in a user's INBOX: its Subject and selected headers. */
  record Delivered(String subject, Optional<String> whitelistedHeader, String from) {}

  /**
   * Waits until {@code user}'s INBOX holds a message with this Subject (James delivers after the
   * SMTP transaction, from its spool).
   *
   * @throws IOException if none arrives within {@code timeout}
   */
  Delivered await(String user, String password, String subject, Duration timeout)
      throws IOException {
    Instant deadline = Instant.now().plus(timeout);
    Exception last = null;
    while (Instant.now().isBefore(deadline)) {
      try {
        Optional<Delivered> found = find(user, password, subject);
        if (found.isPresent()) {
          return found.get();
        }
      } catch (FolderNotFoundException e) {
        last = e; // INBOX is created by the first delivery
      } catch (MessagingException e) {
        last = e;
      }
      LockSupport.parkNanos(POLL.toNanos());
    }
    throw new IOException(
        "no message '" + subject + "' in " + user + "'s INBOX after " + timeout, last);
  }

  /** The message with this Subject in {@code user}'s INBOX, if there is one now. */
  Optional<Delivered> find(String user, String password, String subject) throws MessagingException {
    Properties p = new Properties();
    p.setProperty("mail.imap.host", "127.0.0.1");
    p.setProperty("mail.imap.port", Integer.toString(port));
    p.setProperty("mail.imap.connectiontimeout", "10000");
    p.setProperty("mail.imap.timeout", "10000");
    Store store = Session.getInstance(p).getStore("imap");
    store.connect(user, password);
    try {
      Folder inbox = store.getFolder("INBOX");
      inbox.open(Folder.READ_ONLY);
      try {
        for (Message m : inbox.getMessages()) {
          if (subject.equals(m.getSubject())) {
            String[] mark = m.getHeader("X-SMTPCR-Whitelisted");
            String[] from = m.getHeader("From");
            return Optional.of(
                new Delivered(
                    subject,
                    mark == null ? Optional.empty() : Optional.of(mark[0]),
                    from == null ? "" : from[0]));
          }
        }
        return Optional.empty();
      } finally {
        inbox.close(false);
      }
    } finally {
      store.close();
    }
  }
}
