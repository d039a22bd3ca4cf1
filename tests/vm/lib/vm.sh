# tests/vm/lib/vm.sh - host side of the QEMU tests (bash, sourced after
# tests/lib.sh): build the initramfs, boot one guest per scenario under a
# timeout, judge the serial log with vmlog.py.
#
# Kernels: a scenario file's VM_KERNEL line picks its guest's kernel:
# "generic" (the default: Debian's 6.1 amd64, VM_KDIR) or "rt" (its
# PREEMPT_RT flavour with the osnoise tracer and rtla in the initramfs,
# VM_KDIR_RT, initrd-rt.gz).  VM_ON_REQUEST=1 in a scenario file: booted
# only when VM_ONLY names it.
#
# Environment: VM_DIR (build/vm), VM_TIMEOUT (seconds per boot, 180),
# VM_JOBS (guests booted at once, 2), VM_ONLY (scenario names to run),
# VM_STATIC (directory of the static tools, build/static), VM_LOCK_WAIT
# (seconds to wait for another suite, 900), VM_REJUDGE (1:
# boot nothing, judge the logs of the last run again).

VM_DIR=${VM_DIR:-$TOP/build/vm}
VM_LOGS=$VM_DIR/logs
VM_TIMEOUT=${VM_TIMEOUT:-180}
VM_JOBS=${VM_JOBS:-2}
VM_PY=$TOP/tests/vm/lib/vmlog.py
VM_SCEN=$TOP/tests/vm/scenarios

# vm_need - empty when the host can boot guests, else the reason it cannot
vm_need() {
	local c
	for c in qemu-system-x86_64 cpio gzip python3; do
		command -v "$c" >/dev/null || { echo "$c not installed (scripts/deps.sh vm)"; return; }
	done
	if ! [ -x /bin/busybox ] || ! LC_ALL=C ldd /bin/busybox 2>&1 | grep -q 'not a dynamic'; then
		echo "no static /bin/busybox (busybox-static)"
	fi
}

# vm_initramfs KERNELDIR OUT - pack busybox, the static tools, /init and the
# scenarios into a newc cpio (gzip); prints the tools it packed
vm_initramfs() {
	local kdir=$1 out=$2 root t a
	root=$VM_DIR/initramfs
	rm -rf "$root"
	mkdir -p "$root"/{bin,dev,proc,sys,tmp,boot,scenarios}
	cp /bin/busybox "$root/bin/busybox"
	for a in $(/bin/busybox --list); do
		[ "$a" = busybox ] || ln -s busybox "$root/bin/$a"
	done
	# stripped: the guest kernel inflates the archive under TCG, and debug
	# info would triple its size
	for t in "${VM_STATIC:-$TOP/build/static}"/*.static; do
		[ -x "$t" ] || continue
		strip -o "$root/bin/$(basename "$t" .static)" "$t" 2>/dev/null ||
			cp "$t" "$root/bin/$(basename "$t" .static)"
		basename "$t" .static
	done
	cp "$TOP/tests/vm/init" "$root/init"
	chmod 755 "$root/init"
	cp "$VM_SCEN"/*.sh "$root/scenarios/"
	# where nohz_kconfig looks on a Debian system: /boot/config-RELEASE
	cp "$kdir/config" "$root/boot/config-$(cat "$kdir/release")"
	# the kernel opens /dev/console before /init runs; /init remounts /dev
	if [ "$(id -u)" = 0 ]; then
		mknod -m 600 "$root/dev/console" c 5 1
		mknod -m 666 "$root/dev/null" c 1 3
	fi
	(cd "$root" && find . | cpio -o -H newc -R 0:0 --quiet | gzip -1) > "$out.tmp" &&
		mv "$out.tmp" "$out"
}

# vm_initramfs_rt BASE RTKDIR RTLADIR OUT - the RT guest's initramfs: BASE
# with a second newc archive appended (the kernel unpacks them in turn)
# holding the RT kernel's config and, when RTLADIR is not empty, rtla with
# its shared libraries and the dynamic loader; prints "rtla" when packed
vm_initramfs_rt() {
	local base=$1 kdir=$2 rtla=$3 out=$4 root
	root=$VM_DIR/initramfs-rt
	rm -rf "$root"
	mkdir -p "$root/boot" "$root/etc"
	cp "$kdir/config" "$root/boot/config-$(cat "$kdir/release")"
	if [ -n "$rtla" ]; then
		cp -a "$rtla/root/." "$root/"
		cp "$rtla/version" "$root/etc/rtla-version"
		echo rtla
	fi
	{
		cat "$base"
		(cd "$root" && find . | cpio -o -H newc -R 0:0 --quiet | gzip -1)
	} > "$out.tmp" && mv "$out.tmp" "$out"
}

# vm_scenario_append NAME - the kernel options a scenario file asks for
vm_scenario_append() {
	# shellcheck disable=SC1090
	(VM_APPEND=; . "$VM_SCEN/$1.sh"; echo "$VM_APPEND")
}

# vm_scenario_kernel NAME - the kernel a scenario file asks for: generic, rt
vm_scenario_kernel() {
	# shellcheck disable=SC1090
	(VM_KERNEL=; . "$VM_SCEN/$1.sh"; echo "${VM_KERNEL:-generic}")
}

# vm_scenario_on_request NAME - true when the scenario file says
# VM_ON_REQUEST=1: booted only when VM_ONLY names it (a benchmark's guest)
vm_scenario_on_request() {
	# shellcheck disable=SC1090
	[ "$(VM_ON_REQUEST=; . "$VM_SCEN/$1.sh"; echo "${VM_ON_REQUEST:-}")" = 1 ]
}

# vm_kdir NAME - the kernel directory of scenario NAME's guest
vm_kdir() {
	case $(vm_scenario_kernel "$1") in
	rt) echo "${VM_KDIR_RT:-}" ;;
	*) echo "$VM_KDIR" ;;
	esac
}

# vm_initrd NAME - the initramfs of scenario NAME's guest
vm_initrd() {
	case $(vm_scenario_kernel "$1") in
	rt) echo "$VM_DIR/initrd-rt.gz" ;;
	*) echo "$VM_DIR/initrd.gz" ;;
	esac
}

# vm_boot NAME APPEND [KDIR INITRD] - boot one guest running scenario NAME
# (kernel and initramfs: the generic ones unless given); the serial log
# goes to $VM_LOGS/NAME.log, wall seconds to NAME.time, qemu's own output to
# NAME.qemu, the CPU time of each vCPU thread at every uptime mark to
# NAME.vcpu.  Never outlives VM_TIMEOUT.
vm_boot() {
	local name=$1 append=$2 kdir=${3:-$VM_KDIR} initrd=${4:-$VM_DIR/initrd.gz} t0 rc qpid
	local log=$VM_LOGS/$name.log pidf=$VM_LOGS/$name.pid
	t0=$EPOCHREALTIME
	rm -f "$pidf" "$log" "$VM_LOGS/$name.vcpu"
	timeout -k 5 "$VM_TIMEOUT" qemu-system-x86_64 -accel tcg -smp 4 -m 512 \
		-name "nohz-$name,debug-threads=on" -pidfile "$pidf" \
		-nodefaults -display none -no-reboot -monitor none -serial "file:$log" \
		-kernel "$kdir/vmlinuz" -initrd "$initrd" \
		-append "console=ttyS0 quiet panic=-1 vmtest=$name $append" \
		</dev/null >"$VM_LOGS/$name.qemu" 2>&1 &
	qpid=$!
	python3 "$VM_PY" watch "$pidf" "$log" "$VM_LOGS/$name.vcpu" 2>>"$VM_LOGS/$name.qemu"
	wait "$qpid"
	rc=$?
	echo "$rc $(awk "BEGIN { print $EPOCHREALTIME - $t0 }")" > "$VM_LOGS/$name.time"
}

# vm_boot_all NAME... - boot every scenario, VM_JOBS at a time
vm_boot_all() {
	local n running=0
	for n in "$@"; do
		if [ "$running" -ge "$VM_JOBS" ]; then
			wait -n
			running=$((running - 1))
		fi
		vm_boot "$n" "$(vm_scenario_append "$n")" "$(vm_kdir "$n")" "$(vm_initrd "$n")" &
		running=$((running + 1))
	done
	wait
}

# vm_booted NAME - PASS when the guest of NAME ran the scenario to its end;
# otherwise FAIL with qemu's status and the tail of the serial log
vm_booted() {
	local name=$1 log=$VM_LOGS/$1.log rc=none secs=0 state
	[ -f "$VM_LOGS/$name.time" ] && read -r rc secs < "$VM_LOGS/$name.time"
	state=$(python3 "$VM_PY" state "$log" "$name" 2>&1)
	if [ "$state" = "done" ] && [ "$rc" = 0 ]; then
		ok "$name: guest booted and ran the scenario ($(printf '%.1f' "$secs") s)"
		return 0
	fi
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		fail "$name: guest" "killed after ${VM_TIMEOUT} s (scenario $state); log tail:"
	else
		fail "$name: guest" "qemu exit $rc, scenario $state; log tail:"
	fi
	[ -f "$log" ] && tr -d '\r' < "$log" | tail -n 25 | sed 's/^/    /'
	[ -f "$VM_LOGS/$name.qemu" ] && sed 's/^/    qemu: /' "$VM_LOGS/$name.qemu" | tail -n 5
	return 1
}

# vm_expect CHECK EXPR [MSG] - judge EXPR over the current scenario's log
# (VM_NAME; hz from the config of its kernel, VM_KCFG); MSG is a Python
# f-string shown in both outcomes
vm_expect() {
	python3 "$VM_PY" expect "$VM_LOGS/$VM_NAME.log" "$VM_NAME" "${VM_KCFG:-$VM_KDIR/config}" "$@"
}

# vm_show EXPR - print a value from the current scenario's log
vm_show() {
	python3 "$VM_PY" show "$VM_LOGS/$VM_NAME.log" "$VM_NAME" "${VM_KCFG:-$VM_KDIR/config}" "$1"
}

# vm_section NAME - one section's text from the current scenario's log
vm_section() {
	python3 "$VM_PY" section "$VM_LOGS/$VM_NAME.log" "$VM_NAME" "$1"
}

# vm_tool_skip TOOL - true (and a SKIP line) when TOOL was not packed
vm_tool_skip() {
	case " $VM_TOOLS " in
	*" $1 "*) return 1 ;;
	esac
	skip "$VM_NAME: $1" "build/static/$1.static does not exist (tools/$1.c not built)"
	return 0
}
