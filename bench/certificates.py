"""Benchmark: the certificates of 300 named posts rendered as one PDF, and one certificate alone.

    python bench/certificates.py [--posts N] [--runs N]

The certificates are built in memory (no database): unsaved Certificate rows with their campaign and
application, post names of believable and varied length, each with its QR code (segno) of the
verification address. After one warm-up render of a single certificate (WeasyPrint import,
fontconfig set-up), the batch is rendered once (default 300 pages) and the single certificate
`--runs` times (median). Target: ≤ 0.15 s per page on a 2-core machine.

Prints one figure per line: `name: value unit`.
"""

import argparse
import datetime as dt
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

UNITS = [
    "柳州市工人医院门诊部导医服务班组",
    "柳州市城中区人民法院立案庭诉讼服务中心",
    "中国工商银行股份有限公司柳州分行营业部个人金融业务部",
    "柳州市公共交通有限公司2路公交线路",
    "广西壮族自治区柳州市鹿寨县人民医院儿科护理组",
    "柳州市不动产登记中心综合窗口",
]


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gangwei.settings")
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production")
    import django

    django.setup()


def certificates(count: int) -> list:
    from applications.models import Application
    from gangwei.models import Campaign
    from review.models import Certificate

    campaign = Campaign(year=2021)
    rows = []
    for sequence in range(1, count + 1):
        application = Application(campaign=campaign, applicant_name=UNITS[sequence % len(UNITS)])
        rows.append(
            Certificate(
                campaign=campaign,
                application=application,
                sequence=sequence,
                number=f"2021-{sequence:03d}",
                issued_on=dt.date(2021, 8, 16),
            )
        )
    return rows


def page_count(pdf: bytes) -> int:
    import pypdf

    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def timed(render) -> tuple[float, float, bytes]:
    start, start_cpu = time.perf_counter(), time.process_time()
    result = render()
    return time.perf_counter() - start, time.process_time() - start_cpu, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=300)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    setup_django()

    from review.city.naming import verify_url
    from review.documents.certificates import certificates_pdf

    batch = certificates(args.posts)
    one = batch[:1]
    certificates_pdf(one, verify_url)  # warm-up

    wall, cpu, pdf = timed(lambda: certificates_pdf(batch, verify_url))
    pages = page_count(pdf)
    assert pages == args.posts, (pages, args.posts)
    print(f"certificates_posts: {args.posts} posts")
    print(f"certificates_pages: {pages} pages")
    print(f"certificates_total: {wall:.2f} s")
    print(f"certificates_per_page: {wall / pages:.3f} s")
    print(f"certificates_cpu_per_page: {cpu / pages:.3f} s")
    print(f"certificates_pdf_size: {len(pdf) / 1024:.0f} KiB")

    singles = [timed(lambda: certificates_pdf(one, verify_url)) for _ in range(args.runs)]
    print(f"certificate_single_median: {statistics.median(w for w, _, _ in singles):.3f} s")
    print(f"certificate_single_cpu_median: {statistics.median(c for _, c, _ in singles):.3f} s")


if __name__ == "__main__":
    main()
