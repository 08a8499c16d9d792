package io.rookery.loadtest;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One run of the whole generator through {@link LoadTest#run}, as the end-to-end tests drive it: what it printed,
 * its exit status, and its JSON (parsed) and HTML files when it wrote them.
 */
record LoadTestRun(int status, String out, String err, Object json, String html) {
    /**
     * Runs with {@code --port=port --password=password --progress=1s --out=dir/result} added to args; json and
     * html are null when the run wrote no files.
     */
    static LoadTestRun run(Path dir, int port, String password, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--port=" + port);
        all.add("--password=" + password);
        all.add("--progress=1s");
        all.add("--out=" + dir.resolve("result"));
        Path json = dir.resolve("result.json");
        Path html = dir.resolve("result.html");
        Files.deleteIfExists(json);
        Files.deleteIfExists(html);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = LoadTest.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new LoadTestRun(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8),
                Files.exists(json) ? MiniJson.parse(Files.readString(json)) : null,
                Files.exists(html) ? Files.readString(html) : null);
    }

    Object at(Object... path) {
        return MiniJson.at(json, path);
    }

    /** A number from the JSON as a long. */
    long count(Object... path) {
        return Math.round((Double) at(path));
    }

    /** Everything the run printed and wrote, to search for what must never appear. */
    String everything() {
        return out + err + (json == null ? "" : json.toString()) + (html == null ? "" : html);
    }
}
