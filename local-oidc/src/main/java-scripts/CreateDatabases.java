import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * Fallback used by {@code bin/robotid up} when {@code psql} is not installed: creates the PostgreSQL
 * databases that do not exist yet.
 *
 * <p>Single-source-file program, run with the JDBC driver that the local-oidc module copies to
 * {@code local-oidc/target/lib}:
 *
 * <pre>
 * java -cp local-oidc/target/lib/postgresql-*.jar local-oidc/src/main/java-scripts/CreateDatabases.java \
 *     HOST PORT USER DATABASE...
 * </pre>
 *
 * The password, if any, is read from the environment variable {@code ROBOTID_DB_PASSWORD} (never from the
 * command line, so it does not show up in the process list). It is deliberately not part of the module's
 * compiled sources.
 */
public class CreateDatabases {

    public static void main(String[] args) throws SQLException {
        if (args.length < 4) {
            System.err.println("usage: CreateDatabases HOST PORT USER DATABASE...");
            System.exit(2);
        }
        String url = "jdbc:postgresql://" + args[0] + ":" + args[1] + "/postgres";
        Properties props = new Properties();
        props.setProperty("user", args[2]);
        String password = System.getenv("ROBOTID_DB_PASSWORD");
        if (password != null && !password.isEmpty()) {
            props.setProperty("password", password);
        }
        props.setProperty("connectTimeout", "10");

        try (Connection connection = DriverManager.getConnection(url, props)) {
            for (int i = 3; i < args.length; i++) {
                String database = args[i];
                if (exists(connection, database)) {
                    System.out.println("database " + database + " exists");
                    continue;
                }
                try (Statement statement = connection.createStatement()) {
                    statement.execute("CREATE DATABASE " + quoteIdentifier(database));
                }
                System.out.println("database " + database + " created");
            }
        } catch (SQLException e) {
            System.err.println("cannot create databases on " + url + " as " + args[2] + ": " + e.getMessage());
            System.exit(1);
        }
    }

    private static boolean exists(Connection connection, String database) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            statement.setString(1, database);
            try (ResultSet resultSet = statement.executeQuery()) {
                return resultSet.next();
            }
        }
    }

    private static String quoteIdentifier(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
