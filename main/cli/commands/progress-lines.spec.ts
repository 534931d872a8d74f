import { describe, expect, it } from 'vitest'
import { showProgressLine } from './progress-lines'

describe('showProgressLine', () => {
  it("shows each image's steps and how its build ended, not apt's and dpkg's lines", () => {
    const img = 'racklab/mx:a391f73b0a00: '
    expect(showProgressLine('build', `${img}Step 4/20 : RUN racklab-apt-install postfix`)).toBe(true)
    expect(showProgressLine('build', `${img}Successfully built 8f547e2ea6e3`)).toBe(true)
    expect(showProgressLine('build', `${img}Unpacking postfix (3.7.11-0+deb12u1) ...`)).toBe(false)
    expect(showProgressLine('build', `${img}Setting up spamc (4.0.1-1~deb12u1) ...`)).toBe(false)
    expect(showProgressLine('build', `${img}  libclamunrar apparmor clamav-doc`)).toBe(false)
    expect(showProgressLine('build', `${img}  libdynaloader-functions-perl liberror-perl libfdisk1`)).toBe(false)
    expect(showProgressLine('build', `${img} ---> Running in 3c1f0a2b`)).toBe(false)
    expect(showProgressLine('build', `${img}`)).toBe(false)
  })

  it('always shows what went wrong in a build', () => {
    expect(showProgressLine('build', 'racklab/db:1: E: Unable to locate package mariadb-serverr')).toBe(true)
    expect(showProgressLine('build', 'racklab/db:1: racklab-apt-install: the base image\'s package lists are out of date; fetching them again')).toBe(false)
    expect(showProgressLine('build', 'racklab/db:1: Err:1 http://deb.debian.org/debian bookworm/main mariadb 404 Not Found (failed)')).toBe(true)
  })

  it("shows the base image's own lines and the bootstrap tool's stages, not one line per package", () => {
    expect(showProgressLine('base', 'pulling debian:bookworm-slim')).toBe(true)
    expect(showProgressLine('base', 'mmdebstrap --variant=minbase bookworm from http://deb.debian.org/debian')).toBe(true)
    expect(showProgressLine('base', 'I: installing essential packages...')).toBe(true)
    expect(showProgressLine('base', 'I: Retrieving adduser 3.134')).toBe(false)
    expect(showProgressLine('base', 'Unpacking usr-is-merged (1) ...')).toBe(false)
    expect(showProgressLine('base', 'importing the root filesystem as debian:bookworm-slim')).toBe(true)
    expect(showProgressLine('base', 'E: Release file for http://deb.debian.org/debian/dists/bookworm/InRelease is not valid yet')).toBe(true)
  })

  it('shows every line of the other phases', () => {
    expect(showProgressLine('health', 'db1 healthy')).toBe(true)
    expect(showProgressLine('start', 'starting mx1')).toBe(true)
  })
})
