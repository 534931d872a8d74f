package Racklab::File::FTP;
# FTP (RFC 959, 2389 FEAT, 3659 SIZE/MDTM/REST/MLSD, 2428 EPSV) over the same trees and blobs as WebDAV.
# Passive mode only, on this node's fixed port range (FTP_PASV_PORTS), announcing FTP_PUBLIC_IP: the
# edge publishes the control port and every node's range on 127.0.0.1. One session at a time per worker.
use strict;
use warnings;
use IO::Socket::INET;
use Socket qw(IPPROTO_TCP TCP_NODELAY);
use IO::Select;
use POSIX qw(strftime);
use Encode qw(encode);
use Racklab::File::Config qw(cfg);
use Racklab::File::DB;
use Racklab::Prefork;
use Racklab::File::Path qw(clean_path parent_of name_of fail);
use Racklab::File::Meta qw(auth_user get_entry list_dir make_dir put_file delete_tree copy_tree usage);
use Racklab::File::Blobs qw(spool);
use Racklab::File::Store qw(put_blob open_blob);
use Racklab::File::Read;
use Racklab::File::Locks qw(assert_unlocked);

my %CODE = (400 => 553, 403 => 550, 404 => 550, 405 => 550, 409 => 550, 412 => 550, 414 => 553, 411 => 501, 423 => 450, 503 => 451, 507 => 552);

sub serve {
    my ($port) = @_;
    my $l = IO::Socket::INET->new(LocalAddr => '0.0.0.0', LocalPort => $port, Listen => 64, ReuseAddr => 1) or die "cannot listen on :$port: $!\n";
    print STDERR "racklab-file: FTP on :$port, passive ports " . cfg('pasv_lo') . '-' . cfg('pasv_hi') . ' announced as ' . cfg('ftp_public_ip') . "\n";
    # sessions in preforked workers: a fork per session cost its client the fork before the greeting; a worker
    # keeps its database handles from one session to the next (DB.pm pings them, and rolls back a leftover).
    # Two idle workers at most (one spare and the one a session just left): with one, every session forked a
    # worker and sent one away when it ended (a 50 MiB RETR through the edge 85 ms best of 12, against 75 ms
    # with two). The second idle worker holds ~4.6 MB of its own on each file node of an idle lab.
    Racklab::Prefork::serve(listeners => [$l], spare => 1, max_spare => 2, max => 32,
        child_init => \&Racklab::File::DB::reset, after_each => \&Racklab::File::DB::end_session,
        child_exit => \&Racklab::File::DB::disconnect_all,
        handle => sub { session($_[0]) });
}

sub session {
    my ($c) = @_;
    binmode $c;
    my $s = { c => $c, cwd => '/', type => 'A', rest => 0 };
    reply($s, 220, cfg('server') . ' Racklab FTP ready');
    my $sel = IO::Select->new($c);
    while (1) {
        last unless $sel->can_read(300);
        my $line = <$c>;
        last unless defined $line;
        $line =~ s/\r?\n$//;
        my ($cmd, $arg) = $line =~ /^(\S+)(?: (.*))?$/ or do { reply($s, 500, 'empty command'); next };
        $cmd = uc $cmd;
        print STDERR "ftp: $cmd" . ($cmd eq 'PASS' ? ' ****' : defined $arg ? " $arg" : '') . "\n" if $ENV{FTP_DEBUG};
        my $f = __PACKAGE__->can("cmd_$cmd");
        if (!$f) { reply($s, 502, "$cmd not implemented"); next }
        if (!$s->{user} && $cmd !~ /^(?:USER|PASS|QUIT|FEAT|SYST|OPTS|NOOP|AUTH|HELP)$/) { reply($s, 530, 'Please login with USER and PASS'); next }
        my $ok = eval { $f->($s, $arg); 1 };
        if (!$ok) {
            my $e = $@;
            my ($st, $msg) = ref $e eq 'HASH' ? ($e->{status}, $e->{message}) : (500, "$e");
            $msg =~ s/\s+$//;
            print STDERR "ftp: $cmd: $st $msg\n" if $st >= 500;
            reply($s, $CODE{$st} // 451, $msg);
        }
        last if $s->{quit};
        # REST holds until the next transfer (clients send SIZE, EPSV, TYPE in between)
        $s->{rest} = 0 if $cmd =~ /^(?:RETR|STOR|APPE)$/;
        delete $s->{rnfr} unless $cmd eq 'RNFR';
    }
    close $c;
}

sub reply {
    my ($s, $code, @lines) = @_;
    my $c = $s->{c};
    my @l = map { encode('UTF-8', $_) } @lines;
    my $last = pop @l;
    # one write: a multi-line reply (FEAT) written line by line waited out the client's delayed ACK (Nagle),
    # 40-45 ms per FEAT as Net::FTP and lftp send it
    print {$c} join('', map({ "$code-$_\r\n" } @l), "$code $last\r\n");
}

# resolve an FTP path against the working folder: ".." climbs, never above the user's root
sub resolve {
    my ($s, $arg) = @_;
    $arg //= '';
    my $raw = $arg =~ m{^/} ? $arg : "$s->{cwd}/$arg";
    my @out;
    for my $seg (split m{/}, $raw) {
        next if $seg eq '' || $seg eq '.';
        if ($seg eq '..') { pop @out; next }
        push @out, $seg;
    }
    my $p = '/' . join('/', @out);
    return clean_path(utf8::is_utf8($p) ? encode('UTF-8', $p) : $p);
}

sub need_arg { my ($arg, $what) = @_; fail(501, "$what needs an argument") unless defined $arg && length $arg; return $arg }

sub cmd_USER { my ($s, $a) = @_; $s->{login} = need_arg($a, 'USER'); delete $s->{user}; reply($s, 331, "Password required for $a") }
sub cmd_PASS {
    my ($s, $a) = @_;
    return reply($s, 503, 'Login with USER first') unless defined $s->{login};
    my $u = auth_user($s->{login}, $a // '');
    return reply($s, 530, 'Login incorrect') unless $u;
    $s->{user} = $u;
    reply($s, 230, "User $u->{login} logged in");
}
sub cmd_QUIT { my ($s) = @_; reply($s, 221, 'Goodbye'); $s->{quit} = 1 }
sub cmd_NOOP { reply($_[0], 200, 'OK') }
sub cmd_SYST { reply($_[0], 215, 'UNIX Type: L8') }
sub cmd_AUTH { reply($_[0], 502, 'TLS is not offered on this port') }
sub cmd_HELP { reply($_[0], 214, 'See FEAT') }
sub cmd_FEAT { reply($_[0], 211, 'Features:', ' EPSV', ' PASV', ' SIZE', ' MDTM', ' REST STREAM', ' MLST type*;size*;modify*;', ' UTF8', ' TVFS', 'End') }
sub cmd_OPTS { my ($s, $a) = @_; ($a // '') =~ /^UTF8( ON)?$/i ? reply($s, 200, 'UTF8 is always on') : reply($s, 501, "unknown option '" . ($a // '') . "'") }
sub cmd_TYPE { my ($s, $a) = @_; my $t = uc($a // ''); $t =~ s/\s+N$//; return reply($s, 504, "type '$a' not supported") unless $t eq 'A' || $t eq 'I' || $t eq 'L 8'; $s->{type} = $t eq 'A' ? 'A' : 'I'; reply($s, 200, "Type set to $s->{type}") }
sub cmd_MODE { my ($s, $a) = @_; uc($a // '') eq 'S' ? reply($s, 200, 'Mode S') : reply($s, 504, 'only stream mode') }
sub cmd_STRU { my ($s, $a) = @_; uc($a // '') eq 'F' ? reply($s, 200, 'Structure F') : reply($s, 504, 'only file structure') }
sub cmd_PWD { my ($s) = @_; (my $p = $s->{cwd}) =~ s/"/""/g; reply($s, 257, qq{"$p" is the current directory}) }
sub cmd_XPWD { cmd_PWD(@_) }
sub cmd_CWD {
    my ($s, $a) = @_;
    my $p = resolve($s, need_arg($a, 'CWD'));
    my $e = get_entry($s->{user}{id}, $p);
    return reply($s, 550, "$p: no such directory") unless $e && $e->{kind} eq 'dir';
    $s->{cwd} = $p;
    reply($s, 250, "CWD command successful, now in $p");
}
sub cmd_CDUP { my ($s) = @_; cmd_CWD($s, '..') }
sub cmd_XCUP { cmd_CDUP(@_) }

sub cmd_REST { my ($s, $a) = @_; return reply($s, 501, 'REST needs a byte offset') unless ($a // '') =~ /^\d+$/; $s->{rest} = $a + 0; reply($s, 350, "Restarting at $a. Send RETR or STOR") }

sub _file { my ($s, $a) = @_; my $p = resolve($s, need_arg($a, 'a path')); my $e = get_entry($s->{user}{id}, $p); fail(404, "$p: no such file") unless $e && $e->{kind} eq 'file'; return ($p, $e) }
sub cmd_SIZE { my ($s, $a) = @_; my (undef, $e) = _file($s, $a); reply($s, 213, $e->{size}) }
sub cmd_MDTM { my ($s, $a) = @_; my (undef, $e) = _file($s, $a); reply($s, 213, strftime('%Y%m%d%H%M%S', gmtime $e->{mtime})) }

sub cmd_PASV { my ($s) = @_; my $port = _listen($s); my @ip = split /\./, cfg('ftp_public_ip'); reply($s, 227, sprintf('Entering Passive Mode (%s,%d,%d)', join(',', @ip), $port >> 8, $port & 255)) }
sub cmd_EPSV { my ($s, $a) = @_; return reply($s, 200, 'EPSV ALL accepted') if uc($a // '') eq 'ALL'; my $port = _listen($s); reply($s, 229, "Entering Extended Passive Mode (|||$port|)") }
sub cmd_PORT { reply($_[0], 502, 'active mode is not offered: use PASV or EPSV') }
sub cmd_EPRT { reply($_[0], 502, 'active mode is not offered: use PASV or EPSV') }

sub _listen {
    my ($s) = @_;
    close delete $s->{pasv} if $s->{pasv};
    my ($lo, $hi) = (cfg('pasv_lo'), cfg('pasv_hi'));
    my $start = $lo + int rand($hi - $lo + 1);
    for my $i (0 .. $hi - $lo) {
        my $port = $lo + (($start - $lo + $i) % ($hi - $lo + 1));
        my $l = IO::Socket::INET->new(LocalAddr => '0.0.0.0', LocalPort => $port, Listen => 1, ReuseAddr => 1) or next;
        $s->{pasv} = $l;
        return $port;
    }
    fail(503, 'no passive port free');
}

# open the data connection for a transfer: 150 first, then accept on the passive port
sub _data {
    my ($s, $what) = @_;
    my $l = delete $s->{pasv} or fail(412, 'use PASV or EPSV first');
    reply($s, 150, "Opening BINARY mode data connection for $what");
    return undef unless IO::Select->new($l)->can_read(15);
    my $d = $l->accept;
    close $l;
    return undef unless $d;
    binmode $d;
    setsockopt($d, IPPROTO_TCP, TCP_NODELAY, 1);   # a transfer's last bytes go at once, not after a delayed ACK
    return $d;
}

# the data through $_[1] itself: a `my` copy of each 1 MiB chunk cost a RETR a memcpy per chunk
sub _send { my $d = $_[0]; my $off = 0; while ($off < length $_[1]) { my $n = syswrite($d, $_[1], length($_[1]) - $off, $off); return 0 unless defined $n; $off += $n } return 1 }

sub _listing {
    my ($s, $a, $fmt) = @_;
    $a = undef if defined $a && $a =~ /^-[a-zA-Z]+$/;   # "LIST -la" from clients that pass ls flags
    $a =~ s/^-[a-zA-Z]+\s+// if defined $a;
    my $p = resolve($s, $a);
    my $e = get_entry($s->{user}{id}, $p) // fail(404, "$p: no such file or directory");
    my @rows = $e->{kind} eq 'dir' ? list_dir($s->{user}{id}, $p) : ($e);
    fail(412, 'MLSD needs a directory') if $fmt eq 'mlsd' && $e->{kind} ne 'dir';
    my $out = '';
    for my $r (@rows) {
        my $name = name_of($r->{path});
        if ($fmt eq 'nlst') { $out .= "$name\r\n"; next }
        if ($fmt eq 'mlsd') { $out .= sprintf "type=%s;size=%d;modify=%s; %s\r\n", $r->{kind}, $r->{size}, strftime('%Y%m%d%H%M%S', gmtime $r->{mtime}), $name; next }
        my $when = time - $r->{mtime} > 180 * 86400 ? strftime('%b %e  %Y', gmtime $r->{mtime}) : strftime('%b %e %H:%M', gmtime $r->{mtime});
        $out .= sprintf "%s 1 %-8s %-8s %12d %s %s\r\n", $r->{kind} eq 'dir' ? 'drwxr-xr-x' : '-rw-r--r--', $s->{user}{login}, $s->{user}{login}, $r->{size}, $when, $name;
    }
    my $d = _data($s, 'file list') or return reply($s, 425, "Can't open data connection");
    _send($d, encode('UTF-8', $out));
    close $d;
    reply($s, 226, 'Transfer complete');
}
sub cmd_LIST { _listing($_[0], $_[1], 'list') }
sub cmd_NLST { _listing($_[0], $_[1], 'nlst') }
sub cmd_MLSD { _listing($_[0], $_[1], 'mlsd') }
sub cmd_MLST {
    my ($s, $a) = @_;
    my $p = resolve($s, $a);
    my $e = get_entry($s->{user}{id}, $p) // fail(404, "$p: no such file or directory");
    reply($s, 250, "Listing $p", sprintf(' type=%s;size=%d;modify=%s; %s', $e->{kind}, $e->{size}, strftime('%Y%m%d%H%M%S', gmtime $e->{mtime}), $p), 'End');
}

sub cmd_RETR {
    my ($s, $a) = @_;
    my ($p, $e) = _file($s, $a);
    my $from = $s->{rest};
    fail(412, "REST $from is past the end ($e->{size} bytes)") if $from > $e->{size};
    # no good copy anywhere is a 451 before the data connection; the content is checked as it is sent (Read.pm)
    my $r = Racklab::File::Read->open($e->{sha1}, $e->{size});
    my $d = _data($s, "$p ($e->{size} bytes)") or return reply($s, 425, "Can't open data connection");
    my $ok = eval { local $SIG{PIPE} = 'IGNORE'; $r->send($from, $e->{size} - $from, sub { _send($d, $_[0]) or die { gone => 1 } }); 1 };
    my $err = $@;
    $r->close;
    close $d;
    return reply($s, 226, 'Transfer complete') if $ok;
    return reply($s, 426, 'Connection closed; transfer aborted') if ref $err eq 'HASH' && $err->{gone};
    my $msg = ref $err eq 'HASH' ? $err->{message} : "$err";
    $msg =~ s/\s+$//;
    print STDERR "ftp: RETR $p: $msg\n";
    reply($s, 451, "Transfer aborted: $msg");
}

sub _store {
    my ($s, $a, $append) = @_;
    my $p = resolve($s, need_arg($a, 'a path'));
    my $uid = $s->{user}{id};
    my $e = get_entry($uid, $p);
    fail(405, "$p is a directory") if $e && $e->{kind} eq 'dir';
    my $parent = get_entry($uid, parent_of($p));
    fail(409, "the directory " . parent_of($p) . " does not exist") unless $parent && $parent->{kind} eq 'dir';
    assert_unlocked($uid, [ $p, 'self' ], $e ? () : [ parent_of($p), 'member' ]);
    my $rest = $s->{rest};
    if ($rest) {
        fail(412, "REST $rest for STOR must equal the file's size (" . ($e ? $e->{size} : 0) . ')') unless $e && $rest == $e->{size};
        $append = 1;
    }
    my ($old, $old_tmp) = $append && $e && $e->{size} ? open_blob($e->{sha1}) : ();
    my $d = _data($s, $p) or return reply($s, 425, "Can't open data connection");
    my $ofh;
    if ($old) { open($ofh, '<:raw', $old) or fail(503, "cannot read the old content: $!") }
    my $up = eval {
        spool(sub {
            my ($max) = @_;
            if ($ofh) { my $n = sysread($ofh, my $b, $max); return $b if $n; close $ofh; undef $ofh }
            my $n = sysread($d, my $b, $max);
            return $n ? $b : '';
        }, undef);
    };
    my $err = $@;
    close $d;
    unlink $old if $old_tmp;
    die $err unless $up;
    my $used = usage($uid) - ($e ? $e->{size} : 0);
    if ($used + $up->{size} > $s->{user}{quota}) { unlink $up->{tmp}; fail(507, "quota exceeded: $up->{size} bytes do not fit") }
    my $sha1 = put_blob($up);
    put_file($uid, $p, $sha1, $up->{size}, $s->{user}{quota});
    reply($s, 226, "Transfer complete ($up->{size} bytes, SHA1 $sha1)");
}
sub cmd_STOR { _store($_[0], $_[1], 0) }
sub cmd_APPE { _store($_[0], $_[1], 1) }

sub cmd_DELE {
    my ($s, $a) = @_;
    my ($p) = _file($s, $a);
    assert_unlocked($s->{user}{id}, [ $p, 'tree' ], [ parent_of($p), 'member' ]);
    delete_tree($s->{user}{id}, $p);
    reply($s, 250, "$p deleted");
}
sub cmd_MKD {
    my ($s, $a) = @_;
    my $p = resolve($s, need_arg($a, 'MKD'));
    assert_unlocked($s->{user}{id}, [ $p, 'self' ], [ parent_of($p) // '/', 'member' ]);
    make_dir($s->{user}{id}, $p);
    (my $q = $p) =~ s/"/""/g;
    reply($s, 257, qq{"$q" created});
}
sub cmd_XMKD { cmd_MKD(@_) }
sub cmd_RMD {
    my ($s, $a) = @_;
    my $p = resolve($s, need_arg($a, 'RMD'));
    my $e = get_entry($s->{user}{id}, $p);
    fail(404, "$p: no such directory") unless $e && $e->{kind} eq 'dir';
    fail(409, "$p is not empty") if list_dir($s->{user}{id}, $p);
    assert_unlocked($s->{user}{id}, [ $p, 'tree' ], [ parent_of($p) // '/', 'member' ]);
    delete_tree($s->{user}{id}, $p);
    reply($s, 250, "$p removed");
}
sub cmd_XRMD { cmd_RMD(@_) }
sub cmd_RNFR {
    my ($s, $a) = @_;
    my $p = resolve($s, need_arg($a, 'RNFR'));
    fail(404, "$p: no such file or directory") unless get_entry($s->{user}{id}, $p);
    $s->{rnfr} = $p;
    reply($s, 350, 'Ready for RNTO');
}
sub cmd_RNTO {
    my ($s, $a) = @_;
    my $from = $s->{rnfr} // return reply($s, 503, 'RNFR first');
    my $to = resolve($s, need_arg($a, 'RNTO'));
    assert_unlocked($s->{user}{id}, map { ([ $_, 'tree' ], [ parent_of($_) // '/', 'member' ]) } $from, $to);
    copy_tree($s->{user}{id}, $from, $to, { move => 1, overwrite => 1, deep => 1, quota => $s->{user}{quota} });
    reply($s, 250, "Renamed $from to $to");
}
sub cmd_ABOR { reply($_[0], 226, 'Nothing to abort') }

1;
