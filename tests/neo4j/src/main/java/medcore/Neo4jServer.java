package medcore;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Map;
import org.neo4j.cli.AdminTool;
import org.neo4j.cli.ExecutionContext;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.io.fs.DefaultFileSystemAbstraction;
import org.neo4j.kernel.availability.AvailabilityGuard;
import org.neo4j.kernel.availability.AvailabilityRequirement;
import org.neo4j.kernel.availability.DatabaseAvailabilityGuard;
import org.neo4j.kernel.availability.DescriptiveAvailabilityRequirement;
import org.neo4j.kernel.internal.GraphDatabaseAPI;
import org.neo4j.kernel.internal.Version;
import org.neo4j.server.CommunityBootstrapper;

/**
 * A Neo4j 5 community server for tests and for users without Docker.
 *
 * <p>Runs the server the distribution runs ({@code neo4j console} starts the same
 * CommunityBootstrapper): Bolt and HTTP on 127.0.0.1, Neo4j Browser at /browser/ (its jar is on
 * the classpath), authentication on with a generated password, the whole home (config, data,
 * logs, password file) in a new temporary directory that is deleted when the server stops.
 * When Bolt is ready it prints one line of JSON on stdout and nothing else ever goes there:
 * {"bolt", "http", "browser", "user", "password_file", "home", "pid", "neo4j"}. The password
 * itself is never printed or logged; it is in password_file (mode 0600). SIGTERM or SIGINT
 * stops the server cleanly and exits 0.
 *
 * <p>Options: --bolt-port N, --http-port N (default: free ports chosen here),
 * --stop-on-stdin-eof (for a parent process: the server stops when the parent's end of the
 * pipe closes, so that a parent killed with SIGKILL leaves no server behind; meanwhile the line
 * "unavailable" on stdin holds the database neo4j unavailable, as the server does while it starts
 * or stops it, until the line "available", for the fault tests), --home DIR (keep
 * the home in DIR, created 0700 if missing, and never delete it: a server started again on the
 * same DIR finds its data and its password, as after a crash; for the fault tests).
 */
public final class Neo4jServer {
    private static final String USER = "neo4j";
    private static final String HOST = "127.0.0.1";
    private static final int READY_TIMEOUT_MS = 120_000;
    private static final java.nio.file.attribute.FileAttribute<?> PRIVATE_DIRECTORY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    // What Bolt clients are told (Neo.TransientError.General.DatabaseUnavailable) while it is held.
    private static final AvailabilityRequirement HELD_UNAVAILABLE =
            new DescriptiveAvailabilityRequirement("held unavailable by the medcore test launcher");

    private static final Object LOCK = new Object();
    private static CommunityBootstrapper neo4j;
    private static Path home;
    private static boolean stopped;
    private static boolean keepHome;

    private Neo4jServer() {}

    public static void main(String[] args) throws Exception {
        // stdout is the one JSON line; everything else (the server's log, the admin tool's
        // messages, stray prints of libraries) goes to stderr.
        PrintStream ready = System.out;
        System.setOut(System.err);

        int boltPort = 0;
        int httpPort = 0;
        boolean stopOnStdinEof = false;
        Path givenHome = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--bolt-port" -> boltPort = Integer.parseInt(args[++i]);
                case "--http-port" -> httpPort = Integer.parseInt(args[++i]);
                case "--stop-on-stdin-eof" -> stopOnStdinEof = true;
                case "--home" -> givenHome = Path.of(args[++i]).toAbsolutePath();
                default -> {
                    System.err.println(
                            "usage: Neo4jServer [--bolt-port N] [--http-port N] [--stop-on-stdin-eof] [--home DIR]");
                    System.exit(2);
                }
            }
        }
        if (boltPort == 0 || httpPort == 0) {
            int[] free = freePorts(2);
            boltPort = boltPort == 0 ? free[0] : boltPort;
            httpPort = httpPort == 0 ? free[1] : httpPort;
        }

        synchronized (LOCK) {
            if (givenHome == null) {
                home = Files.createTempDirectory("medcore-neo4j-", PRIVATE_DIRECTORY);
            } else {
                keepHome = true;
                home = Files.isDirectory(givenHome) ? givenHome : Files.createDirectories(givenHome, PRIVATE_DIRECTORY);
            }
        }
        // Runs on System.exit, which is also how the server's own SIGTERM/SIGINT handlers end
        // the JVM; its own hook stops the server at the same time and stop() waits for it.
        Runtime.getRuntime().addShutdownHook(new Thread(Neo4jServer::stop, "medcore-neo4j-stop"));

        Path conf = Files.createDirectories(home.resolve("conf"));
        Files.writeString(conf.resolve("neo4j.conf"), config(conf, boltPort, httpPort));
        Files.writeString(conf.resolve("user-logs.xml"), USER_LOGS);
        Path passwordFile = home.resolve("password");
        if (!Files.exists(passwordFile)) {  // a kept home started again has its user store already
            setInitialPassword(conf, passwordFile);
        }

        neo4j = new CommunityBootstrapper();
        int code = neo4j.start(home, conf.resolve("neo4j.conf"), Map.of(), false, false);
        if (code != 0) {
            System.err.println("medcore: Neo4j did not start (exit code " + code + "); its log is above");
            System.exit(code);
        }
        awaitReady(neo4j.getDatabaseManagementService(), boltPort);

        String http = "http://" + HOST + ":" + httpPort;
        ready.println("{" + String.join(", ",
                field("bolt", "neo4j://" + HOST + ":" + boltPort),
                field("http", http),
                field("browser", http + "/browser/"),
                field("user", USER),
                field("password_file", passwordFile.toString()),
                field("home", home.toString()),
                "\"pid\": " + ProcessHandle.current().pid(),
                field("neo4j", Version.getNeo4jVersion())) + "}");
        ready.flush();

        if (stopOnStdinEof) {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            AvailabilityGuard guard = ((GraphDatabaseAPI) neo4j.getDatabaseManagementService().database("neo4j"))
                    .getDependencyResolver()
                    .resolveDependency(DatabaseAvailabilityGuard.class);
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                switch (line.strip()) {
                    case "unavailable" -> guard.require(HELD_UNAVAILABLE);
                    case "available" -> guard.fulfill(HELD_UNAVAILABLE);
                    default -> System.err.println("medcore: ignored on stdin: " + line);
                }
            }
            System.err.println("medcore: stdin closed, stopping Neo4j");
            System.exit(0);
        }
        // Otherwise the server's own non-daemon threads keep the JVM up until a signal.
    }

    /** The generated password goes to a file created with mode 0600 (never wider, not even
     * for a moment) and into the initial user store before the first start, as
     * `neo4j-admin dbms set-initial-password` does: no window where neo4j/neo4j would log in. */
    private static void setInitialPassword(Path conf, Path passwordFile) throws IOException {
        // Letters and digits only: the admin tool parses its arguments, and a password starting
        // with '-' would be taken for an option. 32 of 62 symbols: 190 bits.
        SecureRandom random = new SecureRandom();
        StringBuilder password = new StringBuilder();
        for (int i = 0; i < 32; i++) {
            password.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        Files.createFile(passwordFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(passwordFile, password);
        int code = AdminTool.execute(
                new ExecutionContext(home, conf, System.err, System.err, new DefaultFileSystemAbstraction()),
                "dbms",
                "set-initial-password",
                password.toString());
        if (code != 0) {
            throw new IllegalStateException("neo4j-admin dbms set-initial-password failed with exit code " + code);
        }
    }

    private static String config(Path conf, int boltPort, int httpPort) {
        String bolt = HOST + ":" + boltPort;
        String http = HOST + ":" + httpPort;
        return String.join("\n",
                "server.default_listen_address=" + HOST,
                // Advertised addresses are what a neo4j:// (routing) driver is told to connect to.
                "server.default_advertised_address=" + HOST,
                "server.bolt.listen_address=" + bolt,
                "server.bolt.advertised_address=" + bolt,
                "server.http.listen_address=" + http,
                "server.http.advertised_address=" + http,
                "server.https.enabled=false",
                "dbms.security.auth_enabled=true",
                // Test graphs are small; the default sizes the page cache from the machine's memory.
                "server.memory.pagecache.size=128m",
                "dbms.usage_report.enabled=false",
                // Bolt waits 5 s for its worker threads and 5 s more for its connections on every
                // stop (internal settings, defaults 5s); a test server has nothing to wait for.
                "internal.server.bolt.thread_pool_shutdown_wait_time=1s",
                "internal.server.bolt.connection_shutdown_wait_time=1s",
                // The user log (what `neo4j console` prints) goes to stderr, see USER_LOGS.
                "server.logs.user.config=" + conf.resolve("user-logs.xml"),
                "");
    }

    private static final String USER_LOGS = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Configuration status="ERROR">
              <Appenders>
                <Console name="stderr" target="SYSTEM_ERR">
                  <PatternLayout pattern="%d{yyyy-MM-dd HH:mm:ss.SSSZ}{GMT+0} %-5p %m%n"/>
                </Console>
              </Appenders>
              <Loggers>
                <Root level="INFO">
                  <AppenderRef ref="stderr"/>
                </Root>
              </Loggers>
            </Configuration>
            """;

    private static void awaitReady(DatabaseManagementService dbms, int boltPort) throws InterruptedException {
        long deadline = System.currentTimeMillis() + READY_TIMEOUT_MS;
        if (!dbms.database("neo4j").isAvailable(READY_TIMEOUT_MS)) {
            System.err.println("medcore: database neo4j not available after " + READY_TIMEOUT_MS + " ms");
            System.exit(1);
        }
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(HOST, boltPort), 1000);
                return;
            } catch (IOException notYet) {
                if (System.currentTimeMillis() > deadline) {
                    System.err.println("medcore: Bolt not listening on " + HOST + ":" + boltPort);
                    System.exit(1);
                }
                Thread.sleep(100);
            }
        }
    }

    /** Ports the OS has just handed out on 127.0.0.1, all held open together so they differ. */
    private static int[] freePorts(int count) throws IOException {
        ServerSocket[] sockets = new ServerSocket[count];
        int[] ports = new int[count];
        try {
            for (int i = 0; i < count; i++) {
                sockets[i] = new ServerSocket(0, 1, InetAddress.getByName(HOST));
                ports[i] = sockets[i].getLocalPort();
            }
        } finally {
            for (ServerSocket socket : sockets) {
                if (socket != null) {
                    socket.close();
                }
            }
        }
        return ports;
    }

    /** Stops the server (waiting for a stop already under way) and deletes its home. */
    private static void stop() {
        synchronized (LOCK) {
            if (stopped) {
                return;
            }
            stopped = true;
            try {
                DatabaseManagementService dbms = neo4j == null ? null : neo4j.getDatabaseManagementService();
                if (dbms != null) {
                    // Idempotent and serialised: returns once the server's own shutdown hook, running
                    // at the same time on SIGTERM, has stopped everything, or stops it itself.
                    dbms.shutdown();
                }
            } catch (RuntimeException e) {
                System.err.println("medcore: stopping Neo4j: " + e);
            } finally {
                if (!keepHome) {
                    deleteTree(home);
                }
            }
        }
    }

    private static void deleteTree(Path root) {
        if (root == null) {
            return;
        }
        // A second pass: log files being closed at the same moment may reappear in the first.
        for (int attempt = 0; attempt < 3 && Files.exists(root); attempt++) {
            try {
                Files.walkFileTree(root, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                        Files.deleteIfExists(file);
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                        Files.deleteIfExists(dir);
                        return FileVisitResult.CONTINUE;
                    }
                });
            } catch (NoSuchFileException gone) {
                // Deleted under us: the next pass (or the exists check) settles it.
            } catch (IOException e) {
                System.err.println("medcore: deleting " + root + ": " + e);
            }
        }
    }

    private static String field(String name, String value) {
        return "\"" + name + "\": \"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
