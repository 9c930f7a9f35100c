package com.gitinsight.gateway.config;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.Set;
import java.util.logging.Logger;

/**
 * A file's POSIX mode, owner and group, so that a replacement or a backup of the declarative file is
 * no more readable than the file was (it holds secrets; an operator's 0600 must stay 0600).
 */
record FileModes(Set<PosixFilePermission> permissions, UserPrincipal owner, GroupPrincipal group) {

    private static final Logger LOG = Logger.getLogger(FileModes.class.getName());

    /** The attributes of {@code file}; null when it does not exist or its file system has no POSIX modes. */
    static FileModes of(Path file) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view == null || !Files.exists(file)) {
            return null;
        }
        PosixFileAttributes a = view.readAttributes();
        return new FileModes(a.permissions(), a.owner(), a.group());
    }

    /**
     * Gives {@code target} this mode, then this owner and group where the process may change them
     * (root may; others keep their own user, and a group only if they belong to it): a change refused
     * is logged, not fatal, since the mode, which is what protects the secrets, is already set.
     */
    void applyTo(Path target) throws IOException {
        PosixFileAttributeView view =
                Files.getFileAttributeView(target, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        if (view == null) {
            return;
        }
        view.setPermissions(permissions);
        PosixFileAttributes now = view.readAttributes();
        try {
            if (!now.owner().equals(owner)) {
                view.setOwner(owner);
            }
            if (!now.group().equals(group)) {
                view.setGroup(group);
            }
        } catch (FileSystemException e) {
            LOG.warning(() -> target + " keeps owner " + now.owner().getName() + ":"
                    + now.group().getName() + " instead of " + owner.getName() + ":" + group.getName() + " ("
                    + e.getReason() + ")");
        }
    }
}
