package org.smtpcr.examples.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The trigger SQL, as docs/stores.md prints it for a DBA (the listener itself is proven on a real
 * PostgreSQL by the cli module's SharedPostgresCacheTest).
 */
final class PostgresChangesTest {
  @Test
  void sql_forTheDefaultPrefix_isWhatTheDocsSay() {
    assertEquals("smtpcr_changes", PostgresChanges.channel("smtpcr_"));
    assertEquals(
        "CREATE OR REPLACE FUNCTION smtpcr_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$"
            + " BEGIN PERFORM pg_notify('smtpcr_changes', ''); RETURN NULL; END $$",
        PostgresChanges.functionSql("smtpcr_"));
    assertEquals(
        "CREATE TRIGGER smtpcr_deny_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON"
            + " smtpcr_deny FOR EACH STATEMENT EXECUTE PROCEDURE smtpcr_notify_change()",
        PostgresChanges.triggerSql("smtpcr_", "deny"));
  }
}
