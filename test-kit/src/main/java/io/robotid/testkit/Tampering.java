package io.robotid.testkit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Changes stored rows directly in PostgreSQL, one column at a time, as someone with database access could,
 * and puts them back: what the evidence tests do to show that every stored value is covered by a seal or
 * checked against one. Rows are addressed by {@code ctid} (every table has one, keyed or not); a change
 * answers the row's new ctid, so it can be restored even when the change was to its key.
 */
public final class Tampering implements AutoCloseable {
    private final Connection connection;

    /** A column of a table, with its type as information_schema names it. */
    public record Column(String table, String name, String dataType, Integer maxLength, boolean generatedAlways) {
    }

    /** A change made: where the row now is, and the value to put back (as text; null for SQL NULL). */
    public record Change(String table, Column column, String ctid, String oldValue) {
    }

    public Tampering(String jdbcUrl, String user, String password) throws SQLException {
        this.connection = DriverManager.getConnection(jdbcUrl, user, password);
        this.connection.setAutoCommit(true);
    }

    /** Every column of a table of the public schema, in order. */
    public List<Column> columns(String table) throws SQLException {
        List<Column> out = new ArrayList<>();
        try (PreparedStatement s = connection.prepareStatement("""
                select column_name, data_type, character_maximum_length, is_identity, identity_generation
                from information_schema.columns where table_schema = 'public' and table_name = ? order by ordinal_position""")) {
            s.setString(1, table);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    int length = r.getInt(3);
                    out.add(new Column(table, r.getString(1), r.getString(2), r.wasNull() ? null : length,
                            "YES".equals(r.getString(4)) && "ALWAYS".equals(r.getString(5))));
                }
            }
        }
        return out;
    }

    /** The ctids of the rows a where clause selects (with its parameters), in ctid order. */
    public List<String> rows(String table, String where, Object... parameters) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement s = connection.prepareStatement("select ctid::text from " + table + " where " + where
                + " order by ctid")) {
            for (int i = 0; i < parameters.length; i++) {
                s.setObject(i + 1, parameters[i]);
            }
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(r.getString(1));
                }
            }
        }
        return out;
    }

    /** Changes one column of one row to another value of its type (see {@link #mutation}), or to {@code expression}. */
    public Change change(String ctid, Column column, String expression) throws SQLException {
        String old = value(column, ctid);
        String sql = "update " + column.table() + " set " + column.name() + " = "
                + (expression != null ? expression : mutation(column)) + " where ctid = ?::tid returning ctid::text";
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            s.setString(1, ctid);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    throw new IllegalStateException("no row " + ctid + " in " + column.table());
                }
                return new Change(column.table(), column, r.getString(1), old);
            }
        }
    }

    public Change change(String ctid, Column column) throws SQLException {
        return change(ctid, column, null);
    }

    /** Puts the changed value back; answers the row's ctid. */
    public String restore(Change change) throws SQLException {
        Column c = change.column();
        String sql = "update " + c.table() + " set " + c.name() + " = "
                + (change.oldValue() == null ? "null" : "cast(? as " + castType(c) + ")")
                + " where ctid = ?::tid returning ctid::text";
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            int i = 1;
            if (change.oldValue() != null) {
                s.setString(i++, change.oldValue());
            }
            s.setString(i, change.ctid());
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getString(1);
            }
        }
    }

    /** Runs any statement (e.g. a delete), answering the rows it touched. */
    public int execute(String sql, Object... parameters) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                s.setObject(i + 1, parameters[i]);
            }
            return s.executeUpdate();
        }
    }

    private String value(Column column, String ctid) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("select " + column.name() + "::text from " + column.table()
                + " where ctid = ?::tid")) {
            s.setString(1, ctid);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    throw new IllegalStateException("no row " + ctid + " in " + column.table());
                }
                return r.getString(1);
            }
        }
    }

    /** An SQL expression giving another value of the column's type than the one it holds (NULL becomes a value). */
    static String mutation(Column c) {
        String v = c.name();
        return switch (c.dataType()) {
            case "text", "character varying" -> "coalesce(" + v + ", '') || 'x'";
            // fixed-width text (codes, hex digests): one character changed, the width kept
            case "character" -> "case when " + v + " is null then lpad('1', " + c.maxLength() + ", '0') else overlay(" + v
                    + " placing (case when substr(" + v + ", 1, 1) = '1' then '2' else '1' end) from 1 for 1) end";
            // the last byte flipped: the value stays the same length and often still parses
            case "bytea" -> "case when " + v + " is null or length(" + v + ") = 0 then '\\x01'::bytea else set_byte(" + v
                    + ", length(" + v + ") - 1, get_byte(" + v + ", length(" + v + ") - 1) # 1) end";
            case "bigint", "integer", "smallint", "double precision", "numeric" -> "coalesce(" + v + ", 0) + 1";
            case "boolean" -> "not coalesce(" + v + ", false)";
            case "timestamp with time zone", "timestamp without time zone" -> "coalesce(" + v
                    + ", now()) + interval '1 second'";
            case "date" -> "coalesce(" + v + ", current_date) + 1";
            case "uuid" -> "gen_random_uuid()";
            case "ARRAY" -> "array_append(coalesce(" + v + ", '{}'), 'x')";
            default -> throw new IllegalArgumentException("no mutation for " + c.table() + "." + v + " of type " + c.dataType());
        };
    }

    private static String castType(Column c) {
        return switch (c.dataType()) {
            case "ARRAY" -> "text[]";
            case "character" -> "char(" + c.maxLength() + ")";
            default -> c.dataType();
        };
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
