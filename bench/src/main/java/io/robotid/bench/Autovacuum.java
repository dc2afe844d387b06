package io.robotid.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * PostgreSQL's autovacuum on for the length of a run, as every deployment has it. The CI machine's server turns
 * it off (its {@code conf.d/90-ci.conf}), and without it the tables the appends update (the robot rows, the log's
 * leaves, the components) keep every dead row version: pages fill, updates stop being HOT, indexes grow, and the
 * figures are not what a deployment gets. Turned on with ALTER SYSTEM (a superuser's, as the bench connects)
 * and reset when the run ends; if that is refused the run says its figures are without autovacuum.
 */
final class Autovacuum implements AutoCloseable {
    private final String jdbc;
    private final boolean turnedOn;

    private Autovacuum(String jdbc, boolean turnedOn) {
        this.jdbc = jdbc;
        this.turnedOn = turnedOn;
    }

    static Autovacuum on(String jdbc) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbc); Statement sql = c.createStatement()) {
            if (setting(sql).equals("on")) {
                return new Autovacuum(jdbc, false);
            }
            try {
                sql.execute("alter system set autovacuum = on");
                sql.execute("select pg_reload_conf()");
                Thread.sleep(500);
                System.out.printf("autovacuum was off on this PostgreSQL; on for this run (%s), reset at its end%n",
                        setting(sql));
                return new Autovacuum(jdbc, true);
            } catch (SQLException refused) {
                System.out.printf("WARNING: autovacuum is off on this PostgreSQL and could not be turned on (%s): "
                        + "the figures below are without it%n", refused.getMessage());
                return new Autovacuum(jdbc, false);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Autovacuum(jdbc, true);
            }
        }
    }

    private static String setting(Statement sql) throws SQLException {
        try (ResultSet rs = sql.executeQuery("show autovacuum")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Override
    public void close() throws SQLException {
        if (turnedOn) {
            try (Connection c = DriverManager.getConnection(jdbc); Statement sql = c.createStatement()) {
                sql.execute("alter system reset autovacuum");
                sql.execute("select pg_reload_conf()");
            }
        }
    }
}
