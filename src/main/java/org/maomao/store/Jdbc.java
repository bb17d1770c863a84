package org.maomao.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

/** The few JDBC moves the stores need, with SQL errors turned into unchecked ones. */
final class Jdbc {
    /** Maps the current row of a result set. */
    interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /** Work inside one transaction. */
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private final DataSource ds;

    Jdbc(DataSource ds) {
        this.ds = ds;
    }

    int update(String sql, Object... params) {
        return inTransaction(c -> update(c, sql, params));
    }

    static int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            return ps.executeUpdate();
        }
    }

    <T> List<T> query(String sql, RowMapper<T> mapper, Object... params) {
        try (Connection c = ds.getConnection()) {
            return query(c, sql, mapper, params);
        } catch (SQLException e) {
            throw new StoreException(sql, e);
        }
    }

    static <T> List<T> query(Connection c, String sql, RowMapper<T> mapper, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                List<T> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(mapper.map(rs));
                }
                return out;
            }
        }
    }

    <T> Optional<T> one(String sql, RowMapper<T> mapper, Object... params) {
        List<T> l = query(sql, mapper, params);
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    <T> T inTransaction(Work<T> work) {
        try (Connection c = ds.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                T t = work.run(c);
                c.commit();
                return t;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw new StoreException("transaction", e);
        }
    }

    /** SQLSTATE of a unique or primary key violation, on H2 and PostgreSQL alike. */
    private static final String UNIQUE_VIOLATION = "23505";
    /** Tries of {@link #inTransactionRetryingDuplicates}; each lost race means another writer's row is now there. */
    private static final int DUPLICATE_TRIES = 10;

    /**
     * {@link #inTransaction}, run again when it lost a race to insert a row with the same key
     * (two writers that both found no row and both inserted): the next try sees the winner's row,
     * so an "update, else insert" becomes an update instead of an error. The SQL standard's MERGE
     * and PostgreSQL's ON CONFLICT differ between the two databases, and MERGE can fail the same way.
     */
    <T> T inTransactionRetryingDuplicates(Work<T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return inTransaction(work);
            } catch (StoreException e) {
                if (attempt >= DUPLICATE_TRIES || !isUniqueViolation(e)) {
                    throw e;
                }
            }
        }
    }

    private static boolean isUniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private static void bind(PreparedStatement ps, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            Object p = params[i];
            if (p == null) {
                ps.setNull(i + 1, Types.NULL);
            } else if (p instanceof Instant t) {
                ps.setLong(i + 1, t.toEpochMilli());
            } else if (p instanceof String t && t.indexOf('\u0000') >= 0) {
                // PostgreSQL's text cannot hold U+0000 and refuses the whole statement; collector output
                // (a column name, a cell, a message) may carry one, so both databases keep U+FFFD instead
                ps.setString(i + 1, t.replace('\u0000', '\uFFFD'));
            } else {
                ps.setObject(i + 1, p);
            }
        }
    }

    static Instant instant(ResultSet rs, String col) throws SQLException {
        long v = rs.getLong(col);
        return rs.wasNull() ? null : Instant.ofEpochMilli(v);
    }

    static Integer integer(ResultSet rs, String col) throws SQLException {
        int v = rs.getInt(col);
        return rs.wasNull() ? null : v;
    }

    static Double dbl(ResultSet rs, String col) throws SQLException {
        double v = rs.getDouble(col);
        return rs.wasNull() ? null : v;
    }

    /** A store operation failed in the database. */
    static final class StoreException extends RuntimeException {
        StoreException(String what, SQLException e) {
            super("store: " + e.getMessage() + " (" + what + ")", e);
        }
    }
}
