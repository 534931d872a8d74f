package Racklab::File::Syscalls;
# System call numbers from perl's h2ph headers (syscall.ph) for calls Perl has no builtin for: sync_file_range(2)
# (Blobs.pm, an upload's early writeback). syscall.ph defines its SYS_* subs in the package that requires
# it first, and a second require anywhere is a no-op; so it is required here, once, and read from this package
# (from main as well, should a script have required it before this module). Blobs.pm used to require it itself
# and ask main:: for the number, which was never there: early writeback was silently off (found in session 26
# with strace; a 10 MiB PUT straight to a node 95 → 56 ms best of 10 with it on).
use strict;
use warnings;
use Exporter qw(import);
our @EXPORT_OK = qw(syscall_number);

my %NR;
if (eval { require 'syscall.ph'; 1 }) {
    for my $name (qw(sync_file_range)) {
        my $f = __PACKAGE__->can("SYS_$name") // main->can("SYS_$name") or next;
        $NR{$name} = $f->();
    }
}

# syscall_number(name) → the number for syscall(), or undef where this perl has no syscall.ph for it
sub syscall_number { return $NR{ $_[0] } }

1;
