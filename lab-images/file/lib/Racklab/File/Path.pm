package Racklab::File::Path;
# User paths: "/" or "/a/b", UTF-8, no "." or ".." segments, no NUL or control characters, each name at
# most 255 bytes and the whole path at most 512 characters (the width of files.path). Every protocol
# turns a bad path into its own error; the message names what is wrong.
use strict;
use warnings;
use Encode qw(decode FB_CROAK);
use Exporter qw(import);
our @EXPORT_OK = qw(clean_path parent_of name_of fail);

sub fail { my ($status, $message) = @_; die { status => $status, message => $message } }

# clean_path(bytes) → character string; the input is raw bytes (already percent-decoded)
sub clean_path {
    my ($raw) = @_;
    fail(400, 'path contains a NUL byte') if $raw =~ /\0/;
    my $s = eval { decode('UTF-8', $raw, FB_CROAK) };
    fail(400, 'path is not valid UTF-8') unless defined $s;
    fail(400, 'path contains a control character') if $s =~ /[\x00-\x1f\x7f]/;
    my @parts;
    for my $seg (split m{/}, $s) {
        next if $seg eq '';
        fail(400, "path segment '$seg' is not allowed") if $seg eq '.' || $seg eq '..';
        { use bytes; fail(414, 'a name in the path is longer than 255 bytes') if length($seg) > 255 }
        push @parts, $seg;
    }
    my $p = '/' . join('/', @parts);
    fail(414, 'path is longer than 512 characters') if length($p) > 512;
    return $p;
}

sub parent_of { my ($p) = @_; return undef if $p eq '/'; (my $q = $p) =~ s{/[^/]+$}{}; return $q eq '' ? '/' : $q }
sub name_of   { my ($p) = @_; return '' if $p eq '/'; return ($p =~ m{([^/]+)$})[0] }

1;
