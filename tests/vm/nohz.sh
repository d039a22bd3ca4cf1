#!/bin/bash
# tests/vm/nohz.sh - nohz-check and friends on a real NO_HZ_FULL kernel.
# Boots Debian's 6.1 kernel (CONFIG_NO_HZ_FULL=y, HZ=250) under QEMU TCG, one
# guest per scenario in tests/vm/scenarios/, and judges each serial log
# against the guest's own /proc/interrupts.  Scenarios with VM_KERNEL=rt boot
# the PREEMPT_RT flavour instead, with rtla inside.  See doc/vm-tests.md.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/vm/lib/vm.sh"

why=$(vm_need)
if [ -n "$why" ]; then
	skip "vm" "$why"
	exit 0
fi

mkdir -p "$VM_LOGS"
# one suite at a time on this machine (whatever its VM_DIR): two suites
# starve each other's vCPUs and the tick counts stop meaning anything
exec 9>"${TMPDIR:-/tmp}/nohz-tools-vm.lock"
t_wait=$EPOCHREALTIME
if ! flock -w "${VM_LOCK_WAIT:-900}" 9; then
	fail "vm" "another VM suite held ${TMPDIR:-/tmp}/nohz-tools-vm.lock too long"
	exit 0
fi
t_start=$EPOCHREALTIME
load0=$(cut -d' ' -f1-3 /proc/loadavg)
if ! VM_KDIR=$("$TOP/scripts/vm-kernel.sh" "$VM_DIR" 2>"$VM_LOGS/vm-kernel.err"); then
	skip "vm" "no NO_HZ_FULL kernel: $(tail -n 1 "$VM_LOGS/vm-kernel.err")"
	exit 0
fi
ok "vm: kernel $(cat "$VM_KDIR/release") has CONFIG_NO_HZ_FULL=y, CONFIG_HZ=$(sed -n 's/^CONFIG_HZ=//p' "$VM_KDIR/config")"

# The guest runs the static tools; building them is part of what is tested.
if [ -n "${VM_REJUDGE:-}" ]; then
	:
elif make -C "$TOP" --no-print-directory static > "$VM_LOGS/make-static.log" 2>&1; then
	ok "vm: make static"
else
	fail "vm: make static" "see build/vm/logs/make-static.log:"
	tail -n 8 "$VM_LOGS/make-static.log" | sed 's/^/    /'
fi

[ -n "${VM_REJUDGE:-}" ] || vm_initramfs "$VM_KDIR" "$VM_DIR/initrd.gz" > "$VM_DIR/tools.txt"
VM_TOOLS=$(tr '\n' ' ' < "$VM_DIR/tools.txt")
if [ -s "$VM_DIR/initrd.gz" ] && [ "$(stat -c %s "$VM_DIR/initrd.gz")" -gt 100000 ]; then
	ok "vm: initramfs ($(($(stat -c %s "$VM_DIR/initrd.gz") / 1024)) KiB; tools: ${VM_TOOLS:-none})"
else
	fail "vm: initramfs" "build/vm/initrd.gz is missing or too small"
	exit 0
fi

names=() rt_names=()
for f in "$VM_SCEN"/*.sh; do
	n=$(basename "$f" .sh)
	if [ -n "${VM_ONLY:-}" ] && [[ " $VM_ONLY " != *" $n "* ]]; then continue; fi
	if [ -z "${VM_ONLY:-}" ] && vm_scenario_on_request "$n"; then continue; fi
	if [ "$(vm_scenario_kernel "$n")" = rt ]; then rt_names+=("$n"); else names+=("$n"); fi
done

# The PREEMPT_RT guests (VM_KERNEL=rt): their own kernel, and rtla with its
# libraries appended to the same initramfs.  Without the kernel they are
# skipped; without rtla they run what does not need it.
if [ ${#rt_names[@]} -gt 0 ]; then
	if VM_KDIR_RT=$("$TOP/scripts/vm-kernel.sh" --rt "$VM_DIR" 2>"$VM_LOGS/vm-kernel-rt.err"); then
		ok "vm: rt kernel $(cat "$VM_KDIR_RT/release") has CONFIG_PREEMPT_RT=y, CONFIG_OSNOISE_TRACER=y, CONFIG_HZ=$(sed -n 's/^CONFIG_HZ=//p' "$VM_KDIR_RT/config")"
		rtla=""
		if rtla=$("$TOP/scripts/vm-rtla.sh" "$VM_DIR" 2>"$VM_LOGS/vm-rtla.err"); then
			ok "vm: rtla $(cat "$rtla/version") with $(cut -d' ' -f1 "$rtla/libs" | tr '\n' ' ')"
		else
			skip "vm: rtla" "$(tail -n 1 "$VM_LOGS/vm-rtla.err")"
			rtla=""
		fi
		[ -n "${VM_REJUDGE:-}" ] ||
			vm_initramfs_rt "$VM_DIR/initrd.gz" "$VM_KDIR_RT" "$rtla" "$VM_DIR/initrd-rt.gz" > /dev/null
		names+=("${rt_names[@]}")
	else
		for n in "${rt_names[@]}"; do
			skip "$n" "no PREEMPT_RT kernel: $(tail -n 1 "$VM_LOGS/vm-kernel-rt.err")"
		done
	fi
fi
export VM_KDIR_RT
# longest guest first (last run's times): two at a time, the short ones
# fill in at the end
mapfile -t order < <(for n in "${names[@]}"; do
	secs=0
	[ -f "$VM_LOGS/$n.time" ] && read -r _ secs < "$VM_LOGS/$n.time"
	echo "$secs $n"
done | LC_ALL=C sort -rn | cut -d' ' -f2)
t_boot=$EPOCHREALTIME
# VM_REJUDGE=1: judge the logs of the last boots again, boot nothing
[ -n "${VM_REJUDGE:-}" ] || vm_boot_all "${order[@]}"
t_end=$EPOCHREALTIME

for VM_NAME in "${names[@]}"; do
	vm_booted "$VM_NAME" || continue
	VM_KCFG=$(vm_kdir "$VM_NAME")/config
	# shellcheck disable=SC1090
	. "$VM_SCEN/$VM_NAME.sh"
	host
done

[ -n "${VM_REJUDGE:-}" ] && exit 0
{
	printf 'vm suite: %d guests, %d at a time: boots %.1f s, total %.1f s' \
		"${#names[@]}" "$VM_JOBS" "$(awk "BEGIN { print $t_end - $t_boot }")" \
		"$(awk "BEGIN { print $EPOCHREALTIME - $t_start }")"
	printf ' (+%.1f s waiting for another suite); load average %s\n' \
		"$(awk "BEGIN { print $t_start - $t_wait }")" "$load0 -> $(cut -d' ' -f1-3 /proc/loadavg)"
	for n in "${names[@]}"; do
		rc=none secs=0
		[ -f "$VM_LOGS/$n.time" ] && read -r rc secs < "$VM_LOGS/$n.time"
		printf '  %-20s %6.1f s  qemu exit %s\n' "$n" "$secs" "$rc"
	done
} > "$VM_LOGS/timing.txt"
cat "$VM_LOGS/timing.txt" >&2
