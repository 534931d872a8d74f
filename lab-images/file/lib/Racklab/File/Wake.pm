package Racklab::File::Wake;
# Waking a node's keeper before its next turn. A node that drops claims to blobs (a lost disk) asks every node to
# pass now: while passes find nothing, a keeper waits 3 × REPLICATE_LAB_S between them (15 s at speed 60), and
# that wait was most of the time a cluster took to get back to N copies after a disk failure. The signal is a
# file on /run whose mtime the keeper looks at each second (a stat); the node API's POST /_node/wake touches it.
use strict;
use warnings;
use Time::HiRes ();
use Exporter qw(import);
our @EXPORT_OK = qw(wake_here wake_mark);

my $FILE = '/run/racklab-file-keeper.wake';

# wake_here() asks this node's keeper for a pass now
sub wake_here {
    CORE::open(my $fh, '>>', $FILE) or return 0;
    CORE::close($fh);
    Time::HiRes::utime(undef, undef, $FILE);
    return 1;
}

# wake_mark() → the last wake's time (0 when never woken): the keeper passes when it differs from what it saw
sub wake_mark { return (Time::HiRes::stat($FILE))[9] // 0 }

1;
