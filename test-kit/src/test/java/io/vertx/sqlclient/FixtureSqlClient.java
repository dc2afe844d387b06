package io.vertx.sqlclient;

/** Stands for the reactive SQL client in the layering fixtures (only its name and method names matter). */
public class FixtureSqlClient {
    public Object preparedQuery(String sql) {
        return sql;
    }
}
