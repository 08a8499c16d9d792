package io.rookery.node.admin;

import com.datastax.oss.driver.api.core.CqlSession;
import com.typesafe.config.ConfigFactory;
import io.rookery.node.Storage;
import io.rookery.node.config.RookerySettings;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * `rookery admin ...`: account administration through a running node's admin API (loopback, token from the node's
 * data folder), and `schema apply` straight against Cassandra. Exit codes: 0 done, 1 refused, 2 usage.
 */
public final class AdminCli {
    private static final String USAGE = """
            usage: rookery admin user add <name> [<password>|-]
                   rookery admin user passwd <name> [<password>|-]
                   rookery admin user delete <name>
                   rookery admin user revoke-tokens <name>
                   rookery admin user list
                   rookery admin user bulk <pattern-with-%d> <count> <password> [--from N] [--parallelism P]
                   rookery admin schema apply
                   rookery admin cluster members
            A password of '-' (or none) is read from standard input.
            """;

    private AdminCli() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            RookerySettings settings = RookerySettings.from(ConfigFactory.load());
            if (args.length >= 2 && args[0].equals("schema") && args[1].equals("apply")) {
                try (CqlSession session = Storage.connect(settings.cassandra(), contactPoints(settings))) {
                    Storage.applySchema(session, settings.cassandra());
                }
                out.println("schema applied to keyspace " + settings.cassandra().keyspace());
                return 0;
            }
            if (args.length == 2 && args[0].equals("cluster") && args[1].equals("members")) {
                return new Client(settings).call("GET", "/cluster/members", null, out, err);
            }
            if (args.length < 2 || !args[0].equals("user")) {
                err.print(USAGE);
                return 2;
            }
            Client client = new Client(settings);
            switch (args[1]) {
                case "add" -> {
                    if (args.length < 3) break;
                    return client.call("POST", "/users", form("user", args[2], "password", password(args, 3)), out, err);
                }
                case "passwd" -> {
                    if (args.length < 3) break;
                    return client.call("PUT", "/users/" + enc(args[2]) + "/password",
                            form("password", password(args, 3)), out, err);
                }
                case "delete" -> {
                    if (args.length < 3) break;
                    return client.call("DELETE", "/users/" + enc(args[2]), null, out, err);
                }
                case "revoke-tokens" -> {
                    if (args.length < 3) break;
                    return client.call("DELETE", "/users/" + enc(args[2]) + "/tokens", null, out, err);
                }
                case "list" -> {
                    return client.call("GET", "/users", null, out, err);
                }
                case "bulk" -> {
                    if (args.length < 5) break;
                    Map<String, String> f = new LinkedHashMap<>();
                    f.put("pattern", args[2]);
                    f.put("count", args[3]);
                    f.put("password", args[4]);
                    for (int i = 5; i + 1 < args.length; i += 2) {
                        switch (args[i]) {
                            case "--from" -> f.put("from", args[i + 1]);
                            case "--parallelism" -> f.put("parallelism", args[i + 1]);
                            default -> {
                                err.print(USAGE);
                                return 2;
                            }
                        }
                    }
                    return client.call("POST", "/users/bulk", encodeForm(f), out, err);
                }
                default -> { }
            }
            err.print(USAGE);
            return 2;
        } catch (Exception e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
    }

    private static List<String> contactPoints(RookerySettings s) {
        if (s.cassandra().embedded()) return List.of("127.0.0.1:" + s.cassandra().embeddedCqlPort());
        return s.cassandra().contactPoints();
    }

    private static String password(String[] args, int index) throws Exception {
        if (args.length > index && !args[index].equals("-")) return args[index];
        BufferedReader r = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line = r.readLine();
        if (line == null || line.isEmpty()) throw new IllegalArgumentException("no password given");
        return line;
    }

    private static String form(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return encodeForm(m);
    }

    private static String encodeForm(Map<String, String> m) {
        List<String> parts = new ArrayList<>();
        m.forEach((k, v) -> parts.add(enc(k) + "=" + enc(v)));
        return String.join("&", parts);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static final class Client {
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        private final String base;
        private final String token;

        Client(RookerySettings s) throws Exception {
            if (!Files.exists(s.admin().tokenFile())) {
                throw new IllegalStateException("no admin token at " + s.admin().tokenFile()
                        + ": is the node running with this data folder?");
            }
            this.token = AdminToken.read(s.admin().tokenFile());
            int port = s.admin().port();
            var portFile = AdminToken.portFile(s.admin().tokenFile());
            if (Files.exists(portFile)) port = Integer.parseInt(Files.readString(portFile).trim());
            String host = s.admin().iface().equals("0.0.0.0") ? "127.0.0.1" : s.admin().iface();
            this.base = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }

        int call(String method, String path, String body, PrintStream out, PrintStream err) throws Exception {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                    .timeout(Duration.ofMinutes(10))
                    .header("Authorization", "Bearer " + token);
            if (body != null) {
                b.header("Content-Type", "application/x-www-form-urlencoded");
                b.method(method, HttpRequest.BodyPublishers.ofString(body));
            } else {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 == 2) {
                out.print(r.body());
                return 0;
            }
            err.print(r.body().isEmpty() ? "failed: HTTP " + r.statusCode() + "\n" : r.body());
            return 1;
        }
    }
}
