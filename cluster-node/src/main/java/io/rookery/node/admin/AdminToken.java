package io.rookery.node.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/** The admin API's shared secret: a random token in a file readable only by the node's user. */
public final class AdminToken {
    private AdminToken() {}

    public static String ensure(Path file) throws IOException {
        if (Files.exists(file)) return read(file);
        Files.createDirectories(file.toAbsolutePath().getParent());
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        String token = HexFormat.of().formatHex(raw);
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), "token", ".tmp");
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // Not a POSIX file system.
        }
        Files.writeString(tmp, token + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return token;
    }

    public static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8).lines().findFirst().orElse("").trim();
    }

    /** When the admin port was picked at start (port 0), the CLI finds it beside the token. */
    public static void writePort(Path tokenFile, int port) throws IOException {
        Files.writeString(portFile(tokenFile), Integer.toString(port) + "\n", StandardCharsets.UTF_8);
    }

    public static Path portFile(Path tokenFile) {
        return tokenFile.resolveSibling(tokenFile.getFileName() + ".port");
    }
}
