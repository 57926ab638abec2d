# bash completion for upwatch(1): its options, the report and mark commands, and files where an
# option takes one. Installed as share/bash-completion/completions/upwatch.

_upwatch() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
  local command=probe
  if ((COMP_CWORD > 1)); then
    case ${COMP_WORDS[1]} in
      report | mark) command=${COMP_WORDS[1]} ;;
    esac
  fi
  local common='-h --help -V --version'
  local options files
  case $command in
    probe)
      options="$common --url-file --each-address -i --interval -o --log --truncate -m --max-time
        --connect-timeout -X --request -d --data -A --user-agent -u --user -L --location
        --max-redirs --interface -H --header -k --insecure --cacert -E --cert --key --tlsv1.2
        --tlsv1.3 --http1.1 --http2 --resolve --connect-to -4 --ipv4 -6 --ipv6 --dns-servers
        -x --proxy --noproxy --keep-alive --connections --expect --slow --max-downtime --max-window --junit
        --duration -c --count --parallel-max
        --control --jsonl --track --track-body --vantage --metrics-listen --metrics-linger
        -q -s --quiet --silent --live --no-live"
      files='--url-file -o --log --cacert -E --cert --key --jsonl --junit'
      ;;
    report)
      options="$common --run --list --merge --json --track --html --slow --max-downtime
        --max-window --junit"
      files='--html --junit'
      ;;
    mark)
      options="$common -o --log --at"
      files='-o --log'
      ;;
  esac
  # The value of an option that takes one.
  if [[ " $files " == *" $prev "* ]]; then
    mapfile -t COMPREPLY < <(compgen -f -- "$cur")
    return
  fi
  case $prev in
    -X | --request)
      mapfile -t COMPREPLY < <(compgen -W 'HEAD GET POST PUT OPTIONS' -- "$cur")
      return
      ;;
    --expect)
      mapfile -t COMPREPLY < <(compgen -W '2xx 2xx,3xx 200 200-399' -- "$cur")
      return
      ;;
    --connections)
      mapfile -t COMPREPLY < <(compgen -W 'fresh keep-alive both' -- "$cur")
      return
      ;;
    --interface)
      mapfile -t COMPREPLY < <(compgen -W "$(ls /sys/class/net 2>/dev/null)" -- "$cur")
      return
      ;;
    -i | --interval | -m | --max-time | --connect-timeout | -d | --data | -A | --user-agent | \
      -u | --user | --max-redirs | -H | --header | --resolve | --connect-to | --dns-servers | \
      -x | --proxy | --noproxy | --duration | -c | --count | --parallel-max | --control | \
      --track | --track-body | --vantage | --metrics-listen | --metrics-linger | --run | \
      --slow | --max-downtime | --max-window)
      COMPREPLY=()
      return
      ;;
  esac
  if [[ $cur == -* ]]; then
    # shellcheck disable=SC2086 # the options are words
    mapfile -t COMPREPLY < <(compgen -W "$options" -- "$cur")
  elif ((COMP_CWORD == 1)); then
    mapfile -t COMPREPLY < <(compgen -W 'report mark http:// https://' -- "$cur")
  elif [[ $command == report ]]; then
    mapfile -t COMPREPLY < <(compgen -f -- "$cur")
  else
    COMPREPLY=()
  fi
}
complete -F _upwatch upwatch
