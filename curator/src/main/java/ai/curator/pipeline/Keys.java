package ai.curator.pipeline;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Cache keys and per-stage seeds, both from SHA-256 so they are stable across JVMs and versions of
 * Java. Public for the engines' own stage caches.
 */
public final class Keys {
    private Keys() {}

    /** The hex SHA-256 of the parts, each length-prefixed so that no two part lists collide. */
    public static String of(String... parts) {
        MessageDigest md = sha256();
        for (String p : parts) {
            byte[] b = p.getBytes(StandardCharsets.UTF_8);
            md.update(ByteBuffer.allocate(4).putInt(b.length).array());
            md.update(b);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** The seed of one stage: the recipe seed mixed with the stage's position and name. */
    static long stageSeed(long seed, int index, String name) {
        MessageDigest md = sha256();
        md.update(ByteBuffer.allocate(12).putLong(seed).putInt(index).array());
        md.update(name.getBytes(StandardCharsets.UTF_8));
        return ByteBuffer.wrap(md.digest()).getLong();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
