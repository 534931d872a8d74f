package Racklab::Webmail::Handler;
# mod_perl response handler: routes, the session gate (salt in the URL AND the cookie), CSRF on every
# change, and the pages. Every input is validated by a pattern whose capture untaints it.
use strict;
use warnings;
use Apache2::RequestRec ();
use Apache2::Response ();
use Apache2::Const -compile => qw(OK);
use Racklab::Webmail::Config qw(cfg);
use Racklab::Webmail::DB qw(dbh writable_dbh);
use Racklab::Webmail::Request qw(params body_refused cookie client_ip respond redirect);
use Racklab::Webmail::Session qw(check_password create_session find_session destroy_session csrf_ok);
use Racklab::Webmail::Mail qw(imap_for folder_box list_messages read_message search_messages send_message valid_addresses);
use Racklab::Webmail::MailAuth qw(mail_auth);
use Racklab::Webmail::Pages qw(login_page message_list_page read_page compose_page contacts_page notice_page files_page);
use Racklab::Webmail::Files qw(files_available clean_dir list_folder upload_file fetch_file);

my $COOKIE = 'fm_session';
my %GET = ('/mail/inbox' => \&inbox, '/mail/read' => \&show_message, '/mail/compose' => \&compose, '/mail/search' => \&search,
           '/mail/contacts' => \&contacts, '/mail/files' => \&files, '/mail/files/get' => \&file_get);
my %POST = ('/mail/send' => \&send_mail, '/mail/contacts/add' => \&contact_add, '/mail/contacts/delete' => \&contact_delete,
            '/mail/logout' => \&logout, '/mail/files/upload' => \&file_upload, '/mail/files/mkdir' => \&file_mkdir);

sub handler {
    my ($r) = @_;
    my $uri = $r->uri;
    my $out = eval { route($r, $uri) };
    my $err = $@;
    Racklab::Webmail::DB::done();
    return $out if defined $out;
    return read_only($r, $err) if ref($err) eq 'Racklab::DbClient::ReadOnly';
    $err ||= "unknown error\n";
    print STDERR "webmail: $uri: $err";
    # connected to a replica while no primary is writable (db1 dead, db2 not promoted yet): say so plainly
    return respond($r, 503, notice_page('Read-only for now', 'The database is read-only right now: no primary database is writable (an operator has to promote a replica). Nothing was changed; reading mail still works.', cfg('server'), 'back'))
      if $err =~ /--read-only option|read.only/i;
    return respond($r, 503, notice_page('Temporarily unavailable', "Something behind this page is not working: $err", cfg('server')));
}

sub route {
    my ($r, $uri) = @_;
    return health($r) if $uri eq '/health';
    return mail_auth($r) if $uri eq '/mailauth';
    # before anything reads the body; /error/413 is Apache's ErrorDocument for its own LimitRequestBody
    return too_large($r, 413) if $uri eq '/error/413';
    if (my ($status) = body_refused($r)) { return too_large($r, $status) }
    return redirect($r, '/login') if $uri eq '/';
    return login($r) if $uri eq '/login';
    my $h = ($r->method eq 'POST' ? \%POST : \%GET)->{$uri};
    return respond($r, 404, notice_page('Not found', 'There is no such page.', cfg('server'))) unless $h;
    my $p = params($r);
    my ($s, $why) = find_session($p->{s}, cookie($r, $COOKIE));
    return session_refused($r, $why) unless $s;
    if ($r->method eq 'POST' && !csrf_ok($s, $p->{csrf})) {
        return respond($r, 403, notice_page('Refused', 'This form was not sent from your session (missing or wrong form token). Nothing was changed.', cfg('server')));
    }
    return $h->($r, $s, $p);
}

# too_large(r, 413 | 411): the body was not read, so nothing was sent or stored
sub too_large {
    my ($r, $status) = @_;
    my $mb = $Racklab::Webmail::Request::MAX_BODY / 1024 / 1024;
    print STDERR "webmail: refused a request body of ", ($r->headers_in->{'Content-Length'} // 'unknown'), " bytes ($status; limit $mb MB)\n";
    return respond($r, 411, notice_page('Length required', 'The form was sent without a length (chunked); the webmail reads only forms of a declared size. Nothing was sent or stored.', cfg('server'), 'back'))
      if $status == 411;
    return respond($r, 413, notice_page('Too large', "What you sent is larger than the webmail accepts ($mb MB at most). Nothing was sent or stored; your session is still open: go back and send something smaller.", cfg('server'), 'back'));
}

# an expired session (its salt and cookie were right) is told so and its cookie is cleared
sub session_refused {
    my ($r, $why) = @_;
    if (($why // '') eq 'expired') {
        return respond($r, 403, notice_page('Session expired', 'Your session has expired. Please log in again.', cfg('server')),
            { cookies => ["$COOKIE=; Max-Age=0" . _cookie_attrs($r)] });
    }
    return respond($r, 403, notice_page('Session not valid', 'This session is not valid or has ended (it needs both its cookie and the address you were given at login). Please log in again.', cfg('server')));
}

# a change that needs the primary while only a read-only replica answers: say so, change nothing, and let the
# frontend try another web server (503 is in its proxy_next_upstream for idempotent requests)
sub read_only {
    my ($r, $ro) = @_;
    print STDERR "webmail: ", $r->uri, ": refused a write: ", $ro->message, "\n";
    $r->err_headers_out->set('Retry-After' => 30);
    return respond($r, 503, notice_page('Read-only for now',
        "This web server (" . cfg('server') . ") cannot reach the main database; it only has a read-only copy ($ro->{server}), "
        . 'so logging in and changes are paused here. Nothing was changed. Please try again in a minute.', cfg('server')));
}

sub health {
    my ($r) = @_;
    my $db = eval { Racklab::Webmail::DB::quick_dbh(); Racklab::Webmail::DB::server() . (Racklab::Webmail::DB::writable() ? '' : ' (read-only)') } // 'down';
    return respond($r, 200, cfg('server') . " ok db=$db\n", { type => 'text/plain' });
}

sub _cookie_attrs { my ($r) = @_; return '; Path=/; HttpOnly; SameSite=Lax' . (($r->headers_in->{'X-Forwarded-Proto'} // '') eq 'https' ? '; Secure' : '') }

sub login {
    my ($r) = @_;
    return respond($r, 200, login_page(undef, '', cfg('server'))) unless $r->method eq 'POST';
    my $p = params($r);
    my $login = $p->{username} // '';
    my $user = check_password($login, $p->{password});
    unless ($user) {
        # one answer for an unknown user and a wrong password
        my ($shown) = $login =~ /^([\w.@+-]{0,64})$/;
        return respond($r, 200, login_page('Login failed: wrong username or password.', $shown // '', cfg('server')));
    }
    my $sess = create_session($user->{id}, client_ip($r));
    print STDERR "webmail: login $user->{login} from ", client_ip($r), "\n";
    return redirect($r, "/mail/inbox?s=$sess->{salt}&f=INBOX", { cookies => ["$COOKIE=$sess->{cookie}" . _cookie_attrs($r)] });
}

sub logout {
    my ($r, $s) = @_;
    # on a read-only replica the row stays (it expires); the cookie, half of the key, is cleared either way
    eval { destroy_session($s); 1 } or do {
        my $e = $@;
        die $e unless ref($e) eq 'Racklab::DbClient::ReadOnly';
        print STDERR "webmail: logout of $s->{login}: cookie cleared, session row kept: ", $e->message, "\n";
    };
    return redirect($r, '/login', { cookies => ["$COOKIE=; Max-Age=0" . _cookie_attrs($r)] });
}

sub _folder { my ($p) = @_; my ($f) = ($p->{f} // 'INBOX') =~ /^(INBOX|Junk)$/; return $f // 'INBOX' }

sub inbox {
    my ($r, $s, $p) = @_;
    my $f = _folder($p);
    my ($page) = ($p->{p} // '1') =~ /^([1-9]\d{0,5})$/;
    my $imap = imap_for($s->{login});
    my $list = list_messages($imap, folder_box($f), $page // 1);
    $imap->logout;
    my ($sent) = ($p->{sent} // '') =~ /^(1)$/;
    return respond($r, 200, message_list_page($s, $f, $list, $sent ? 'Your message was sent.' : undef, cfg('server')));
}

sub show_message {
    my ($r, $s, $p) = @_;
    my $f = _folder($p);
    my ($uid) = ($p->{u} // '') =~ /^([1-9]\d{0,9})$/ or return respond($r, 404, notice_page('Not found', 'No such message.', cfg('server')));
    my $imap = imap_for($s->{login});
    my $m = read_message($imap, folder_box($f), $uid);
    $imap->logout;
    return respond($r, 404, notice_page('Not found', 'No such message (it may have been deleted).', cfg('server'))) unless $m;
    return respond($r, 200, read_page($s, $f, $m, cfg('server')));
}

sub search {
    my ($r, $s, $p) = @_;
    my $f = _folder($p);
    my ($q) = ($p->{q} // '') =~ /^([^\x00-\x1f]{1,100})$/;
    return redirect($r, "/mail/inbox?s=$s->{salt}&f=$f") unless defined $q;
    my $imap = imap_for($s->{login});
    my $found = search_messages($imap, folder_box($f), $q);
    $imap->logout;
    return respond($r, 200, message_list_page($s, $f, { messages => $found }, undef, cfg('server'), $q));
}

sub _contacts {
    my ($s) = @_;
    return dbh()->selectall_arrayref('SELECT id, name, email FROM address_book WHERE user_id = ? ORDER BY name, email', { Slice => {} }, $s->{user_id});
}

sub compose {
    my ($r, $s, $p) = @_;
    my ($to) = ($p->{to} // '') =~ /^([^\x00-\x1f]{0,500})$/;
    my ($re) = ($p->{re} // '') =~ /^([^\x00-\x1f]{0,200})$/;
    my $subject = length($re // '') ? ($re =~ /^re:/i ? $re : "Re: $re") : '';
    return respond($r, 200, compose_page($s, { to => $to // '', subject => $subject, body => '' }, undef, _contacts($s), cfg('server')));
}

# A typed message: at most this many characters (well inside the 10 MB request limit and the MX's
# 10 MB message_size_limit once quoted-printable).
our $MAX_TEXT = 500_000;

sub send_mail {
    my ($r, $s, $p) = @_;
    my %f = (to => $p->{to} // '', subject => $p->{subject} // '', body => $p->{body} // '');
    my @to = valid_addresses($f{to});
    my ($subject) = $f{subject} =~ /^([^\x00-\x1f]{0,200})$/;
    my ($body) = length($f{body}) <= $MAX_TEXT ? $f{body} =~ /^(.*)$/s : ();
    return respond($r, 413, compose_page($s, \%f, 'Not sent: the message is ' . length($f{body}) . " characters long; the webmail sends at most $MAX_TEXT.", _contacts($s), cfg('server')))
      unless defined $body;
    my $err = !@to ? 'Give at least one address like bob@' . cfg('domain') . ' (separate several with commas).'
      : @to > 20 ? 'At most 20 recipients.' : !defined $subject ? 'The subject must be one line of at most 200 characters.' : undef;
    return respond($r, 200, compose_page($s, \%f, $err, _contacts($s), cfg('server'))) if $err;
    my $id = eval { send_message($s, \@to, $subject, $body) };
    return respond($r, 200, compose_page($s, \%f, "Not sent: $@", _contacts($s), cfg('server'))) unless $id;
    print STDERR "webmail: $s->{login} sent $id to ", scalar(@to), " recipient(s)\n";
    # the sender's own Message-ID, so a script (the engine's mail workload) can find what it sent in the stores
    return redirect($r, "/mail/inbox?s=$s->{salt}&f=INBOX&sent=1", { headers => { 'X-Racklab-Message-Id' => $id } });
}

sub contacts {
    my ($r, $s) = @_;
    return respond($r, 200, contacts_page($s, _contacts($s), undef, undef, cfg('server')));
}

sub contact_add {
    my ($r, $s, $p) = @_;
    my ($name) = ($p->{name} // '') =~ /^([^\x00-\x1f]{0,190})$/;
    my @email = valid_addresses($p->{email} // '');
    my $email = @email == 1 ? $email[0] : undef;
    my $err = !defined $name ? 'The name must be one line of at most 190 characters.' : !defined $email ? 'Give one address like bob@' . cfg('domain') . '.' : undef;
    return respond($r, 200, contacts_page($s, _contacts($s), undef, $err, cfg('server'))) if $err;
    writable_dbh()->do('INSERT INTO address_book (user_id, name, email) VALUES (?, ?, ?)', undef, $s->{user_id}, $name, $email);
    return respond($r, 200, contacts_page($s, _contacts($s), "Added $email.", undef, cfg('server')));
}

sub contact_delete {
    my ($r, $s, $p) = @_;
    my ($id) = ($p->{id} // '') =~ /^([1-9]\d{0,9})$/;
    my $n = defined $id ? writable_dbh()->do('DELETE FROM address_book WHERE id = ? AND user_id = ?', undef, $id, $s->{user_id}) : 0;
    return respond($r, 200, contacts_page($s, _contacts($s), $n > 0 ? 'Deleted.' : undef, $n > 0 ? undef : 'No such contact.', cfg('server')));
}

# The Files page: the user's tree in the file storage (list, upload, download), through the storage API
sub _files_page {
    my ($r, $s, $dir, $notice, $error, $status) = @_;
    return respond($r, 503, notice_page('Files', 'This lab has no file storage (no file servers).', cfg('server'), 'back')) unless files_available();
    my $list = list_folder($s->{login}, $dir);
    return respond($r, $status // ($list->{error} ? 404 : 200), files_page($s, $dir, $list->{entries} // [], $notice, $error // $list->{error}, cfg('server')));
}

sub files {
    my ($r, $s, $p) = @_;
    my $dir = clean_dir($p->{d}) // return respond($r, 400, notice_page('Files', 'That is not a folder name.', cfg('server'), 'back'));
    return _files_page($r, $s, $dir);
}

sub file_get {
    my ($r, $s, $p) = @_;
    my $path = clean_dir($p->{p});
    return respond($r, 400, notice_page('Files', 'That is not a file name.', cfg('server'), 'back')) unless defined $path && $path ne '/';
    return respond($r, 503, notice_page('Files', 'This lab has no file storage (no file servers).', cfg('server'), 'back')) unless files_available();
    my ($name) = $path =~ m{([^/]+)$};
    (my $ascii = $name) =~ s/[^\x20-\x7e]|["\\]/_/g;
    my $err = fetch_file($s->{login}, $path, sub {
        my ($chunk, $head) = @_;
        if ($head) {
            $r->err_headers_out->set('X-Racklab-Backend' => cfg('server'));
            $r->err_headers_out->set('Cache-Control' => 'no-store');
            $r->err_headers_out->set('X-Content-Type-Options' => 'nosniff');
            # always a download, never rendered in the webmail's origin
            $r->err_headers_out->set('Content-Disposition' => qq{attachment; filename="$ascii"; filename*=UTF-8''} . Racklab::Webmail::Html::url_esc($name));
            $r->set_content_length($head->{length}) if defined $head->{length} && $head->{length} =~ /^\d+$/;
            $r->content_type('application/octet-stream');
        }
        $r->print($chunk) if length $chunk;
    });
    return Apache2::Const::OK unless defined $err;
    my ($dir) = $path =~ m{^(.*)/[^/]+$};
    return _files_page($r, $s, length $dir ? $dir : '/', undef, "Could not download $name: $err", $err =~ /^404/ ? 404 : 502);
}

sub file_upload {
    my ($r, $s, $p) = @_;
    my $dir = clean_dir($p->{d}) // return respond($r, 400, notice_page('Files', 'That is not a folder name.', cfg('server'), 'back'));
    my $f = $p->{file};
    return _files_page($r, $s, $dir, undef, 'Choose a file to upload.', 400) unless ref $f eq 'HASH' && length $f->{filename};
    (my $name = $f->{filename}) =~ s{^.*[\\/]}{};
    my $path = clean_dir("$dir/$name");
    return _files_page($r, $s, $dir, undef, 'That file name is not allowed.', 400) unless defined $path && length $name && length $name <= 255;
    my $err = upload_file($s->{login}, $path, $f->{bytes});
    return _files_page($r, $s, $dir, undef, "Not uploaded: $err", 200) if defined $err;
    print STDERR "webmail: $s->{login} uploaded ", length($f->{bytes}), " bytes to $path\n";
    return _files_page($r, $s, $dir, "Uploaded $name (" . length($f->{bytes}) . ' bytes).');
}

sub file_mkdir {
    my ($r, $s, $p) = @_;
    my $dir = clean_dir($p->{d}) // return respond($r, 400, notice_page('Files', 'That is not a folder name.', cfg('server'), 'back'));
    my ($name) = ($p->{name} // '') =~ m{^([^/\x00-\x1f]{1,255})$};
    my $path = defined $name ? clean_dir("$dir/$name") : undef;
    return _files_page($r, $s, $dir, undef, 'A folder name is one to 255 characters without "/".', 400) unless defined $path && $path ne $dir;
    my $err = Racklab::Webmail::Files::make_folder($s->{login}, $path);
    return _files_page($r, $s, $dir, defined $err ? undef : "Created $name.", defined $err ? "Not created: $err" : undef);
}

1;
