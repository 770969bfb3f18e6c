"""A synthetic bank submission of N valid, realistic product rows (for benchmarks).

Usage: ``python bench/synthetic_catalog.py --rows 10000 --out /tmp/icbc [--xlsx]`` writes
``datapackage.json`` + ``products.csv`` (or ``.xlsx``) in a folder named after a registry bank,
so ``portal validate`` accepts it as that bank's package.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import random
from pathlib import Path

FIELDS = ("product_id bank_id name summary product_type guarantee_methods target_customers industries "
          "amount_min_wan amount_max_wan term_min_months term_max_months rate_min rate_max rate_note "
          "guarantee_fee_rate fees repayment_methods online_application renewal_without_repayment "
          "decision_days programs eligibility materials process contact_name contact_phone "
          "branch_address apply_url valid_from valid_until updated status").split()

PRODUCT_TYPES = ["流动资金贷款", "固定资产贷款", "经营性个人贷款", "票据融资", "供应链融资", "续贷", "其他"]
GUARANTEES = ["信用", "保证", "抵押", "质押", "政府性融资担保"]
CUSTOMERS = ["小型企业", "微型企业", "个体工商户", "小微企业主", "农民专业合作社", "家庭农场", "中型企业"]
REPAYMENTS = ["等额本息", "等额本金", "按月付息到期还本", "按季付息到期还本", "随借随还", "分期还本"]
PROGRAMS = ["信易贷", "银税互动", "科创贷", "园保贷", "乡村振兴贷", "民企首贷通", "涉农产业金融链长制"]
INDUSTRIES = ["不限", "批发和零售业", "制造业", "农、林、牧、渔业", "住宿和餐饮业", "建筑业", "交通运输业"]
NAME_PARTS = ["税易贷", "信用贷", "经营贷", "续贷通", "园保贷", "惠农贷", "科创贷", "商户贷", "链融贷"]
ELIGIBILITY = ("合规持续经营满2年，有固定经营场所，有真实融资需求，信用状况良好，贷款用途依法合规；"
               "企业及实际控制人无不良信用记录。")
MATERIALS = "营业执照、法定代表人身份证件、近一年财务报表、近半年结算流水，授权银行查询征信信息。"
PROCESS = "1. 网点或手机银行提交申请\n2. 银行调查审批\n3. 签订合同\n4. 发放贷款"


def product_row(index: int, bank_id: str, rng: random.Random, today: dt.date) -> dict:
    guarantees = rng.sample(GUARANTEES, rng.randint(1, 3))
    amount_max = rng.choice([50, 100, 200, 300, 500, 1000, 3000])
    term_max = rng.choice([12, 24, 36, 60])
    rate_min = round(rng.uniform(3.0, 4.5), 2)
    valid_from = today - dt.timedelta(days=rng.randint(30, 700))
    return {
        "product_id": f"{bank_id}-product-{index:06d}",
        "bank_id": bank_id,
        "name": f"{rng.choice(NAME_PARTS)}{index}号",
        "summary": "面向小微企业和个体工商户的经营性贷款，用于日常生产经营周转，线上申请、随借随还。",
        "product_type": rng.choice(PRODUCT_TYPES),
        "guarantee_methods": "、".join(guarantees),
        "target_customers": "、".join(rng.sample(CUSTOMERS, rng.randint(1, 4))),
        "industries": "、".join(rng.sample(INDUSTRIES, rng.randint(1, 2))),
        "amount_min_wan": rng.choice(["", "1", "10"]),
        "amount_max_wan": str(amount_max),
        "term_min_months": rng.choice(["", "1", "6"]),
        "term_max_months": str(term_max),
        "rate_min": f"{rate_min:.2f}",
        "rate_max": f"{rate_min + rng.uniform(0.2, 2.5):.2f}",
        "rate_note": "LPR加点，单利",
        "guarantee_fee_rate": "0.8" if "政府性融资担保" in guarantees else "",
        "fees": "无",
        "repayment_methods": "、".join(rng.sample(REPAYMENTS, rng.randint(1, 2))),
        "online_application": rng.choice(["是", "否"]),
        "renewal_without_repayment": rng.choice(["是", "否"]),
        "decision_days": str(rng.randint(1, 30)),
        "programs": "、".join(rng.sample(PROGRAMS, rng.randint(0, 2))),
        "eligibility": ELIGIBILITY,
        "materials": MATERIALS,
        "process": PROCESS,
        "contact_name": "普惠金融部",
        "contact_phone": rng.choice(["0818-2122351", "13812345678", "95588"]),
        "branch_address": "四川省达州市通川区朝阳中路56号",
        "apply_url": rng.choice(["", "https://www.example.com.cn/apply"]),
        "valid_from": valid_from.isoformat(),
        "valid_until": rng.choice(["", (today + dt.timedelta(days=365)).isoformat()]),
        "updated": (today - dt.timedelta(days=rng.randint(0, 90))).isoformat(),
        "status": "在售",
    }


def write_package(out_dir: Path, rows: int, *, xlsx: bool = False, bank_id: str | None = None,
                  seed: int = 7, today: dt.date | None = None) -> Path:
    """Write a bank package folder; returns the data file. The folder name is the bank id."""
    bank_id = bank_id or out_dir.name
    today = today or dt.date.today()
    rng = random.Random(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    data_file = out_dir / ("products.xlsx" if xlsx else "products.csv")
    descriptor = {"name": f"{bank_id}-products",
                  "resources": [{"name": "products", "path": data_file.name}]}
    (out_dir / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    records = (product_row(i, bank_id, rng, today) for i in range(1, rows + 1))
    if xlsx:
        import openpyxl

        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet("products")
        sheet.append(list(FIELDS))
        for record in records:
            sheet.append([record[f] for f in FIELDS])
        book.save(data_file)
    else:
        with data_file.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=FIELDS)
            writer.writeheader()
            writer.writerows(records)
    return data_file


POLICY_BODY = """## 一句话看懂

缺少抵押物的小微企业，可以请政府性融资担保机构为贷款提供担保，担保费率每年**不超过 1%**。

## 谁可以享受

| 对象 | 条件 |
| --- | --- |
| 小型企业、微型企业 | 按国家中小企业划型标准认定，贷款用于生产经营 |
| 个体工商户 | 有营业执照，正常经营 |

## 怎么申请

1. 向合作银行提出贷款申请；
2. 银行将符合条件的项目推荐给担保机构；
3. 担保机构审核后出具担保函。

!!! note "提示"
    办理贷款不需要向任何中介交费。

<details><summary>常见问题</summary>
担保费补贴按季度申请，详见<a href="../../notices/">通知公告</a>。
</details>
"""


def write_content(content_dir: Path, pages: int, *, today: dt.date | None = None) -> list[Path]:
    """Write ``pages`` staff documents (half policies, half notices) with headings, a table, a list,
    an admonition and raw HTML, as staff write them; returns the files. They name no products, so
    they fit any catalogue."""
    today = today or dt.date.today()
    written = []
    for index in range(pages):
        day = (today - dt.timedelta(days=index)).isoformat()
        if index % 2 == 0:
            folder, front = "policies", (f"title: 示例政策解读第{index}号\ndate: {day}\n"
                                         f"doc_number: 通区财发〔2025〕{index + 100}号\nissuer: 达州市通川区财政局\n"
                                         f"status: 现行有效\ntags: [融资担保, 降费]\n"
                                         f"summary: 政府性融资担保费率不超过1%。\n")
        else:
            folder, front = "notices", f"title: 示例通知第{index}号\ndate: {day}\nsummary: 关于产品信息报送的通知。\n"
        target = content_dir / folder / f"synthetic-{index:04d}.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f"---\n{front}---\n\n{POLICY_BODY}", encoding="utf-8")
        written.append(target)
    return written


def member_regions(count: int) -> list[tuple[str, str]]:
    """``count`` distinct synthetic districts as (name, 6-digit 行政区划代码): codes 51CCDD of a
    province (51) with cities CC = 01… and districts DD = 02…21 (20 a city), names 示例区NNN."""
    regions = []
    for index in range(count):
        city, district = divmod(index, 20)
        regions.append((f"示例区{index + 1:03d}", f"51{city + 1:02d}{district + 2:02d}"))
    return regions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--out", type=Path, required=True, help="package folder (its name is the bank id)")
    parser.add_argument("--xlsx", action="store_true")
    args = parser.parse_args()
    print(write_package(args.out, args.rows, xlsx=args.xlsx))


if __name__ == "__main__":
    main()
